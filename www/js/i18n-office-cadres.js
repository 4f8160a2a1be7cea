// Interface strings of the office page's cadre roster (干部名单): choosing the file for a run
// (office-data.js) and the named cadres, grades and talk lists in the results
// (office-cadres.js, office-unit.js). zh-CN and en.
import { addStrings } from './i18n.js';

export const STRINGS = {
  'zh-CN': {
    cadreRosterLabel: '干部名单文件',
    cadreRosterHint: '可选：列出被考评领导干部的 CSV 或 XLSX（单位、岗位、姓名、职务，可加人员编号）。选了名单，结果按姓名列出干部，名单上无人的岗位不评定等次。',
    cadreRosterChosen: (name) => `已选干部名单：${name}`,
    cadreRosterChoose: '选择干部名单…',
    cadreRosterClear: '清除干部名单',
    cadreRosterCleared: '已清除干部名单。',
    cadresHeading: '领导干部考评（按干部名单）',
    cadresHint: (capped) => (capped
      ? '得票达到优秀、但因方案规定的优秀比例限制评为称职的干部，标有“比例限制”。'
      : '干部按名单列出；名单上没有的岗位不评定等次（所得票数见警告）。'),
    cadreName: '姓名',
    cadrePost: '职务',
    cadreCapped: '比例限制',
    cadreCappedNote: '得票达到优秀，因优秀比例限制评为称职',
    cadreReminder: '一对一谈话提醒',
    talksHeading: '谈话名单',
    cadresCaption: '各单位领导干部等次（按姓名）',
    talksCaption: '各单位谈话名单（按姓名）',
    talksAdmonition: '诫勉谈话',
    talksReminder: '一对一谈话提醒',
    talksNone: '无',
    talkName: (name, post) => `${name}（${post}）`,
    talksJoin: '、',
  },
  en: {
    cadreRosterLabel: 'Cadre roster file',
    cadreRosterHint: 'Optional: a CSV or XLSX listing the leading cadres appraised (unit, role, name, post, and a person id if you like). With a roster the results name each cadre; a role nobody on the roster holds is not graded.',
    cadreRosterChosen: (name) => `Cadre roster chosen: ${name}`,
    cadreRosterChoose: 'Choose the cadre roster…',
    cadreRosterClear: 'Clear the cadre roster',
    cadreRosterCleared: 'The cadre roster was cleared.',
    cadresHeading: 'Leading cadres (by the cadre roster)',
    cadresHint: (capped) => (capped
      ? 'Cadres with enough votes for excellent but graded competent under the plan’s cap on the share of excellent are marked “cap”.'
      : 'Cadres are listed by the roster; a role nobody on the roster holds is not graded (its votes are in the warnings).'),
    cadreName: 'Name',
    cadrePost: 'Post',
    cadreCapped: 'Cap',
    cadreCappedNote: 'Excellent by the votes; competent under the cap on the share of excellent',
    cadreReminder: 'One-to-one reminder talk',
    talksHeading: 'Talk lists',
    cadresCaption: 'Leading cadres’ grades by unit, by name',
    talksCaption: 'Talk lists by unit, by name',
    talksAdmonition: 'Admonition talk',
    talksReminder: 'One-to-one reminder talk',
    talksNone: 'None',
    talkName: (name, post) => `${name} (${post})`,
    talksJoin: ', ',
  },
};

addStrings(STRINGS);
