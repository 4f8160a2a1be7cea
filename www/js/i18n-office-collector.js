// Interface strings of the office page's pull from a collector (office-collector.js), zh-CN and
// en: the form, its progress, and every way a pull can fail with what to do about it.
import { addStrings } from './i18n.js';

export const STRINGS = {
  'zh-CN': {
    collectorHeading: '从收集服务拉取答卷',
    collectorHint: '填写收集服务（kaoping collect）的地址和考评办的令牌，拉取服务收到的全部答卷，按与数据文件相同的规则检查和评分。',
    collectorUrl: '收集服务地址',
    collectorUrlHint: '例如 https://records.example.gov.cn/。地址按方案记住。',
    collectorToken: '考评办的令牌',
    collectorTokenHint: '即 kaoping collect token 写出的 office.token 文件的内容。令牌只保存在本页面的内存中，不写入浏览器的任何存储；刷新或关闭页面后须重新填写。',
    collectorPull: '拉取并评分',
    collectorCancel: '取消拉取',
    collectorPulling: (n) => `正在拉取：已收到 ${n} 条答卷…`,
    collectorPulled: (n, file) => `已拉取 ${n} 条答卷，作为数据文件“${file}”评分。`,
    collectorCancelled: '已取消拉取，未改动数据文件。',
    collectorErrors: {
      url: '收集服务地址须为以 http:// 或 https:// 开头的网址，例如 https://records.example.gov.cn/。',
      token: '请填写考评办的令牌：kaoping collect token 写出的 office.token 文件的内容。',
      unauthorized: '收集服务不接受此令牌（401）。请粘贴 kaoping collect token 写出的令牌文件（office.token，不是 office.token.hash）的内容，并确认服务启动时的 --token-file 是与它一起生成的散列文件。',
      network: (origin) => `无法连接 ${origin}：请检查地址，确认收集服务正在运行、网络畅通，然后重新拉取。`,
      cors: (origin, page) => `${origin} 的收集服务拒绝了本页面的来源：请在启动服务时加上 --origin ${page}（见 docs/collect.md），然后重新拉取。`,
      csp: (origin) => `本页面的内容安全策略不允许连接 ${origin}：部署时须把它加入 office.html 的 connect-src（见 docs/deploy.md 的“收集服务”一节），或让收集服务与本页面同一来源。`,
      server: (status) => `收集服务暂时无法提供答卷（${status}）。请稍后重新拉取；仍然失败时，请查看服务的日志。`,
      refused: (status) => `收集服务拒绝了读取（${status}）。`,
      notCollector: (origin) => `${origin} 的回答不是收集服务的答卷页（缺少 Kaoping-More 等响应头）：请检查地址是否为 kaoping collect 的地址。`,
      cut: '答卷传输中途断开，未改动数据文件：请重新拉取。',
      stuck: '收集服务给出的分页编号没有前进，已停止拉取：请检查服务的版本。',
    },
    collectorSaid: '服务的说明：',
  },
  en: {
    collectorHeading: 'Pull records from a collector',
    collectorHint: 'Give the address of a collector (kaoping collect) and the office’s token to pull every record it received; they are checked and scored by the same rules as data files.',
    collectorUrl: 'Collector address',
    collectorUrlHint: 'For example https://records.example.gov.cn/. The address is remembered for this plan.',
    collectorToken: 'Office token',
    collectorTokenHint: 'What kaoping collect token wrote into office.token. The token is kept only in this page’s memory, never in the browser’s storage: after a reload or closing the page, type it again.',
    collectorPull: 'Pull and score',
    collectorCancel: 'Cancel the pull',
    collectorPulling: (n) => `Pulling: ${n} record${n === '1' ? '' : 's'} received so far…`,
    collectorPulled: (n, file) => `Pulled ${n} record${n === '1' ? '' : 's'}, scored as the data file “${file}”.`,
    collectorCancelled: 'The pull was cancelled; the data files are unchanged.',
    collectorErrors: {
      url: 'The collector’s address must be a URL starting with http:// or https://, e.g. https://records.example.gov.cn/.',
      token: 'Type the office’s token: what kaoping collect token wrote into office.token.',
      unauthorized: 'The collector does not accept this token (401). Paste the content of the token file kaoping collect token wrote (office.token, not office.token.hash), and check that the service was started with the hash file made with it as --token-file.',
      network: (origin) => `Cannot reach ${origin}: check the address, that the collector is running and that the network is up, then pull again.`,
      cors: (origin, page) => `The collector at ${origin} refused this page’s origin: start it with --origin ${page} (see docs/collect.md), then pull again.`,
      csp: (origin) => `This page’s Content-Security-Policy does not allow connecting to ${origin}: the deployment must add it to office.html’s connect-src (docs/deploy.md, “The collector”), or serve the collector on this page’s origin.`,
      server: (status) => `The collector cannot give the records now (${status}). Pull again later; if it still fails, read the service’s log.`,
      refused: (status) => `The collector refused the read (${status}).`,
      notCollector: (origin) => `The answer from ${origin} is not a collector’s page of records (no Kaoping-More header): check that the address is kaoping collect’s.`,
      cut: 'The records stopped arriving halfway; the data files are unchanged: pull again.',
      stuck: 'The collector’s page cursor did not move on, so the pull stopped: check the service’s version.',
    },
    collectorSaid: 'The service says: ',
  },
};

addStrings(STRINGS);
