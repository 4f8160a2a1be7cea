// The strings of the <kaoping-form> element's own messages (embed.js): what a portal's
// prefill got wrong. The form's own strings are in i18n.js.
import { addStrings } from './i18n.js';

export const STRINGS = {
  'zh-CN': {
    prefillInvalid: '门户预填的答案有误，未填入：',
    prefillNotJson: (why) => `prefill 属性不是答案对象（JSON，题目编号对应答案）：${why}`,
  },
  en: {
    prefillInvalid: 'The answers the portal prefilled have problems and were not filled in:',
    prefillNotJson: (why) => `The prefill attribute is not an object of answers (JSON, question id to answer): ${why}`,
  },
};

addStrings(STRINGS);
