// Interface strings in zh-CN (default) and en. Plan texts come from the plan itself.
// Every dictionary (this one and www/js/i18n-*.js) exports its own as STRINGS: the check
// tests/tidy/dictionaries.mjs reads them.
export const STRINGS = {
  'zh-CN': {
    app: '考评',
    skip: '跳到主要内容',
    switchLang: 'English',
    switchLangLabel: 'Switch to English',
    loading: '正在加载问卷…',
    loadFailed: '问卷加载失败：',
    sectionOf: (i, n) => `第 ${i} 部分，共 ${n} 部分`,
    answered: (a, n) => `已答 ${a} / ${n} 题`,
    next: '下一部分',
    back: '上一部分',
    submit: '提交问卷',
    required: '（必答）',
    optional: '（选答）',
    unable: '无法评价',
    errorSummary: '请修改以下问题后继续',
    restored: '已恢复您上次在本机填写的答案。',
    savedLocally: '答案随填随存，只保存在本机的这个浏览器中，提交前不会发送。',
    saveFailed: '无法在本机保存您的答案（存储已满或被浏览器禁止），关闭或刷新页面会丢失。请不要关闭页面，填完后提交并下载回执。',
    carriedAll: '问卷已更新。您此前在本机填写的答案已全部带入。',
    carriedSome: '问卷已更新。您此前在本机填写的答案已带入，以下答案无法带入，请重新作答：',
    carriedDownload: '下载此前的答案（JSON）',
    endpointRefused: (u) => `链接指定的提交地址不在本站允许的范围内，已忽略：${u}`,
    retrying: (s) => `服务器暂时无法接收（HTTP ${s}），答卷已保存在本机，稍后将自动重试。`,
    refused: (r) => `服务器拒收了这份记录：${r}`,
    sendAgain: '再次发送',
    keptHere: '记录仍保存在本机，请下载保存。',
    notKept: '本机无法保存这份记录（存储已满或被浏览器禁止），关闭页面即丢失：请立即下载保存。页面开着时会继续尝试发送。',
    thanksTitle: '提交成功，感谢您的参与！',
    thanksBody: '您的答卷已生成回执。请保存回执，以便核对。',
    receiptId: '回执编号',
    code: '一次性评价码（见纸条）',
    checksum: '校验码',
    download: '下载回执（JSON）',
    delivered: '答卷已送达。',
    queued: '当前无法连接服务器，答卷已保存在本机，联网后将自动发送。',
    startAgain: '重新填写一份',
    selectUpTo: (n) => `最多选 ${n} 项`,
    charsLeft: (n) => `还可输入 ${n} 个字`,
    charsOver: (n) => `超出 ${n} 个字`,
    rankUp: '上移',
    rankDown: '下移',
    rankHint: '用“上移”“下移”按钮调整顺序，第一项最重要。',
    npsLow: '0 = 完全不可能',
    npsHigh: '10 = 极有可能',
    scaleRange: (lo, hi) => `请输入 ${lo} 到 ${hi} 之间的分数`,
  },
  en: {
    app: 'Kaoping',
    skip: 'Skip to main content',
    switchLang: '中文',
    switchLangLabel: '切换到中文',
    loading: 'Loading the survey…',
    loadFailed: 'The survey could not be loaded: ',
    sectionOf: (i, n) => `Part ${i} of ${n}`,
    answered: (a, n) => `${a} of ${n} questions answered`,
    next: 'Next part',
    back: 'Previous part',
    submit: 'Submit',
    required: ' (required)',
    optional: ' (optional)',
    unable: 'Unable to judge',
    errorSummary: 'There is a problem',
    restored: 'We restored the answers you gave earlier on this device.',
    savedLocally: 'Your answers are saved as you go, only in this browser on this device; nothing is sent before you submit.',
    saveFailed: 'Your answers cannot be saved on this device (storage is full or blocked by the browser); closing or reloading the page loses them. Keep the page open, submit, and download the receipt.',
    carriedAll: 'The survey has been updated. All the answers you gave earlier on this device were carried over.',
    carriedSome: 'The survey has been updated. The answers you gave earlier on this device were carried over, except these; please answer them again:',
    carriedDownload: 'Download your earlier answers (JSON)',
    endpointRefused: (u) => `The link names a place to send responses that this site does not allow; it was ignored: ${u}`,
    retrying: (s) => `The server cannot take responses right now (HTTP ${s}). Your response is kept on this device and will be sent again shortly.`,
    refused: (r) => `The server refused this record: ${r}`,
    sendAgain: 'Send again',
    keptHere: 'The record stays on this device; download it and keep it.',
    notKept: 'This record cannot be kept on this device (storage is full or blocked); closing the page loses it. Download it now. While the page is open it keeps trying to send it.',
    thanksTitle: 'Submitted. Thank you for taking part!',
    thanksBody: 'A receipt was made for your response. Keep it to check your submission later.',
    receiptId: 'Receipt number',
    code: 'One-time code (on your slip)',
    checksum: 'Checksum',
    download: 'Download receipt (JSON)',
    delivered: 'Your response has been delivered.',
    queued: 'The server cannot be reached. Your response is kept on this device and will be sent when you are online.',
    startAgain: 'Fill in another response',
    selectUpTo: (n) => `Choose up to ${n}`,
    charsLeft: (n) => `${n} characters left`,
    charsOver: (n) => `${n} characters too many`,
    rankUp: 'Move up',
    rankDown: 'Move down',
    rankHint: 'Use Move up and Move down to order the items; the first matters most.',
    npsLow: '0 = Not at all likely',
    npsHigh: '10 = Extremely likely',
    scaleRange: (lo, hi) => `Enter a score from ${lo} to ${hi}`,
  },
};

export function pickLang(requested) {
  const tag = (requested || '').toLowerCase();
  return tag.startsWith('en') ? 'en' : 'zh-CN';
}

/** Add a page's own strings (e.g. the office's) to the shared ones. */
export function addStrings(more) {
  for (const lang of Object.keys(STRINGS)) Object.assign(STRINGS[lang], more[lang]);
}

export function strings(lang) {
  return STRINGS[pickLang(lang)];
}

/** A plan text ({ "zh-CN": …, en: … }) in the language, falling back to zh-CN. */
export function tr(text, lang) {
  if (!text) return '';
  return text[lang] ?? text['zh-CN'] ?? Object.values(text)[0] ?? '';
}

/** What went wrong, in the language: the engine's errors carry `text` ({ "zh-CN": …, en: … }), others a message. */
export function errorText(err, lang) {
  return err?.text ? tr(err.text, lang) : String(err?.message ?? err);
}
