// Interface strings of the office page's roster of invitations (office-roster.js). zh-CN and en.
import { addStrings } from './i18n.js';

export const STRINGS = {
  'zh-CN': {
    rosterLegend: '按名单批量签发',
    rosterFile: '评审名单（CSV 或 Excel .xlsx）',
    rosterHint: '列：评审人编号、姓名、组别、评审对象、问卷、有效期起、有效期止。空白的问卷和日期取上面表单中的选择。',
    rosterProblems: (n) => `名单有 ${n} 个问题，未签发任何邀请：`,
    rosterIssued: (n) => `已按名单签发 ${n} 份邀请`,
    rosterRater: '评审人编号', rosterName: '姓名', rosterGroup: '组别', rosterUnits: '评审对象', rosterLink: '链接',
    rosterCsv: '下载邀请清单（CSV）',
    rosterPrint: '打印二维码',
  },
  en: {
    rosterLegend: 'Issue from a roster',
    rosterFile: 'Roster (CSV or Excel .xlsx)',
    rosterHint: 'Columns: rater, name, group, units, instrument, valid_from, valid_until. Empty instrument and date cells take the choices of the form above.',
    rosterProblems: (n) => `The roster has ${n} problem${n === 1 ? '' : 's'}; no invitation was issued:`,
    rosterIssued: (n) => `${n} invitations issued from the roster`,
    rosterRater: 'Rater', rosterName: 'Name', rosterGroup: 'Group', rosterUnits: 'Units', rosterLink: 'Link',
    rosterCsv: 'Download the list (CSV)',
    rosterPrint: 'Print QR codes',
  },
};

addStrings(STRINGS);
