// Filling the demo plan's two surveys as a respondent does, in zh-CN: the one place the e2e
// tests know the demo survey's questions, so a change to the demo plan is followed here once.

const PUBLIC_ROWS = ['微循环道路', '绿道建设', '停车便利', '社区卫生服务', '养老服务', '社会治安', '环境卫生'];
const CADRE_ROWS = ['政治思想建设', '领导能力', '工作实绩', '党风廉政建设'];
const CADRE_ROLES = ['党委（党组）书记', '行政主要负责人', '分管负责同志（一）', '分管负责同志（二）'];

/**
 * Answer the demo public survey in `root` (a page, frame locator or element locator) and, unless
 * `submit` is false, press submit. `district: null` leaves the district as it is (prefilled).
 */
export async function fillPublic(root, {
  district = '汉阳区', age = '18–29岁', rating = '一般', overall = '满意', priority = '住房', submit = true,
} = {}) {
  if (district !== null) await root.getByLabel(district, { exact: true }).check();
  await root.getByLabel(age, { exact: true }).check();
  await root.getByRole('button', { name: '下一部分' }).click();
  for (const row of PUBLIC_ROWS) {
    await root.getByRole('group', { name: row, exact: true }).getByLabel(rating, { exact: true }).check();
  }
  await root.getByRole('button', { name: '下一部分' }).click();
  await root.getByRole('group', { name: /总体而言/ }).getByLabel(overall, { exact: true }).check();
  await root.getByLabel(priority, { exact: true }).check();
  if (submit) await root.getByRole('button', { name: '提交问卷' }).click();
}

/** Answer the demo cadre appraisal in `root` (in zh-CN) for `district` and press submit. */
export async function fillCadre(root, { district = '江岸区' } = {}) {
  await root.getByLabel(district, { exact: true }).check();
  await root.getByRole('button', { name: '下一部分' }).click();
  for (const row of CADRE_ROWS) {
    await root.getByRole('group', { name: row, exact: true }).getByLabel('较好', { exact: true }).check();
  }
  await root.getByRole('button', { name: '下一部分' }).click();
  for (const role of CADRE_ROLES) {
    await root.getByRole('group', { name: role, exact: true }).getByLabel('称职', { exact: true }).check();
  }
  await root.getByRole('button', { name: '提交问卷' }).click();
}
