// Interface strings of the ingest report's trust parts (office-data.js): the signed sheets a
// later one superseded and the one-time codes of each instrument. zh-CN and en.
import { addStrings } from './i18n.js';

export const STRINGS = {
  'zh-CN': {
    supersededHeading: '被更晚的评分表取代的评分表（已接受，不计分）',
    supersededFile: '文件',
    supersededRow: '行',
    supersededRater: '评审人',
    supersededAt: '提交时间',
    supersededCounted: '计分的评分表',
    supersededCountedAt: (file, row, at) => `${file} 第 ${row} 条（提交于 ${at}）`,
    codesHeading: '一次性评价码',
    codesInstrument: '问卷',
    codesIssued: '发放',
    codesUsed: '已用',
    codesUnknown: '无效',
    codesReused: '重复使用',
    codesMissing: '未填',
    codeBatchesLabel: '评价码批次文件',
    codeBatchesHint: '需要一次性评价码的问卷：选择考评办签发的批次文件（JSON），汇总时先读。',
    codeBatchesChosen: (names) => `已选批次：${names}`,
    codeBatchesClear: '清除已选批次',
    codeBatchesCleared: '已清除评价码批次文件。',
  },
  en: {
    supersededHeading: 'Sheets superseded by a later sheet (accepted, not counted)',
    supersededFile: 'File',
    supersededRow: 'Row',
    supersededRater: 'Rater',
    supersededAt: 'Submitted at',
    supersededCounted: 'Sheet that counts',
    supersededCountedAt: (file, row, at) => `${file} row ${row} (submitted ${at})`,
    codesHeading: 'One-time codes',
    codesInstrument: 'Instrument',
    codesIssued: 'Issued',
    codesUsed: 'Used',
    codesUnknown: 'Unknown',
    codesReused: 'Reused',
    codesMissing: 'Missing',
    codeBatchesLabel: 'Code batch files',
    codeBatchesHint: 'For instruments that need a one-time code: choose the batch files the office signed (JSON); they are read first.',
    codeBatchesChosen: (names) => `Batches chosen: ${names}`,
    codeBatchesClear: 'Clear the batches chosen',
    codeBatchesCleared: 'The code batch files were cleared.',
  },
};

addStrings(STRINGS);
