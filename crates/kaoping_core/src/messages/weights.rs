//! zh-CN texts of the weighting methods' errors (AHP, entropy weights, survey weighting).

use crate::stats::ahp::AhpError;
use crate::stats::entropy::EntropyError;
use crate::stats::weighting::WeightingError;
use crate::text::Bilingual;

impl Bilingual for AhpError {
    fn zh(&self) -> String {
        use AhpError as E;
        match self {
            E::UnknownRandomIndex { name } => format!(
                "未知的随机一致性指标表“{name}”（可选：saaty1980、saaty2005、alonso-lamata2006、donegan-dodd1991）"
            ),
            E::EmptyInput => "两两比较矩阵的 CSV 为空".to_owned(),
            E::RaggedRow {
                line,
                expected,
                found,
            } => format!("第 {line} 行：应有 {expected} 个单元格，实际有 {found} 个"),
            E::BadNumber { line, column, text } => format!(
                "第 {line} 行第 {column} 列：无法把“{text}”读作数值（可写 3、0.5 或 1/3）"
            ),
            E::RowNameMismatch {
                line,
                expected,
                found,
            } => format!("第 {line} 行：行名“{found}”与列名“{expected}”不一致"),
            E::DuplicateName { name } => format!("准则名称“{name}”出现了两次"),
            E::NotSquare { rows, columns } => {
                format!("矩阵必须是方阵：{rows} 行，{columns} 列")
            }
            E::Empty => "矩阵中没有任何准则".to_owned(),
            E::NotPositive { row, column, value } => {
                format!("元素 ({row}, {column}) = {value} 必须是大于 0 的有限数")
            }
            E::DiagonalNotOne { index, value } => {
                format!("对角线元素 ({index}, {index}) = {value} 必须为 1")
            }
            E::NotReciprocal {
                row,
                column,
                a_ij,
                a_ji,
                product,
                tolerance,
            } => format!(
                "元素 ({row}, {column}) = {a_ij} 与 ({column}, {row}) = {a_ji} 不互为倒数（乘积 {product}，容差 {tolerance}）"
            ),
            E::RandomIndexUnavailable { table, n, max_n } => format!(
                "随机一致性指标表 {table:?} 只覆盖 n ≤ {max_n}，而矩阵的 n = {n}"
            ),
            E::NotConverged {
                iterations,
                last_change,
            } => format!("幂迭代在 {iterations} 次内未收敛（最后一次变化 {last_change:e}）"),
            E::Inconsistent {
                cr,
                threshold,
                lambda_max,
                ci,
                random_index,
                ..
            } => format!(
                "判断不一致：CR = {cr:.4} ≥ {threshold}（λmax = {lambda_max:.4}，CI = {ci:.4}，RI = {random_index}）；请修改两两比较"
            ),
        }
    }
}

impl Bilingual for EntropyError {
    fn zh(&self) -> String {
        use EntropyError as E;
        match self {
            E::UnknownDirection { name } => {
                format!("未知的指标方向“{name}”（应为 benefit 或 cost）")
            }
            E::UnknownNormalisation { name } => {
                format!("未知的标准化方法“{name}”（应为 min-max 或 proportion）")
            }
            E::TooFewUnits { m } => format!("熵权法至少需要 2 个单位，实际为 {m}"),
            E::NoIndicators => "矩阵中没有指标列".to_owned(),
            E::RaggedRow {
                row,
                expected,
                found,
            } => format!("第 {row} 行有 {found} 个数值，应为 {expected} 个"),
            E::DirectionCount { expected, found } => {
                format!("为 {expected} 个指标给出了 {found} 个方向")
            }
            E::NonFinite { row, column } => format!("第 {row} 行第 {column} 列的数值不是有限数"),
            E::NotPositive { row, column, value } => {
                format!("第 {row} 行第 {column} 列的数值 {value} 为负：比重标准化要求数值 ≥ 0")
            }
            E::RangeOverflow { column } => {
                format!("第 {column} 列：最大值 − 最小值溢出；请调整该指标的量纲")
            }
            E::NoInformation => "每个指标在各单位间都是常数：熵权无定义".to_owned(),
        }
    }
}

impl Bilingual for WeightingError {
    fn zh(&self) -> String {
        use WeightingError as E;
        match self {
            E::BadInput { message } => format!("加权输入有误：{message}"),
            E::Empty => "没有受访者记录".to_owned(),
            E::InvalidRecord {
                record,
                base_weight,
            } => format!(
                "第 {record} 条记录：基础权重 {base_weight} 必须是大于 0 的有限数，人数 ≥ 1"
            ),
            E::InvalidTarget { cell, value } => {
                format!("“{cell}”的目标值 = {value}，必须是 ≥ 0 的有限数")
            }
            E::SampleCellWithoutPopulation { cell, sample_n } => {
                format!("样本格“{cell}”（{sample_n} 名受访者）没有总体占比")
            }
            E::EmptyPopulationCell { cell, population } => {
                format!("总体格“{cell}”（占比 {population}）没有受访者")
            }
            E::CollapseChain { from, to } => {
                format!("合并规则“{from}”→“{to}”：目标格本身也被合并了")
            }
            E::CategoryCount {
                record,
                expected,
                found,
            } => format!("第 {record} 条记录：有 {found} 个类别，但边际有 {expected} 个"),
            E::MissingTarget { margin, category } => {
                format!("边际“{margin}”：类别“{category}”出现在样本中，但没有目标值")
            }
            E::EmptyCategory {
                margin,
                category,
                target,
            } => format!("边际“{margin}”：类别“{category}”的目标值为 {target}，但没有受访者"),
            E::InconsistentTotals {
                margin,
                total,
                first,
                first_total,
            } => format!("边际“{margin}”的合计为 {total}，但边际“{first}”的合计为 {first_total}"),
            E::InvalidOption { message } => format!("选项无效：{message}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::messages::check::bilingual;
    use crate::stats::ahp::RandomIndexTable;

    fn s(v: &str) -> String {
        v.to_owned()
    }

    #[test]
    fn ahp_error_input() {
        bilingual(
            &AhpError::UnknownRandomIndex { name: s("saaty") },
            &["saaty", "saaty2005"],
        );
        bilingual(&AhpError::EmptyInput, &["CSV"]);
        bilingual(
            &AhpError::RaggedRow {
                line: 4,
                expected: 5,
                found: 3,
            },
            &["4", "5", "3"],
        );
        bilingual(
            &AhpError::BadNumber {
                line: 2,
                column: 3,
                text: s("x/2"),
            },
            &["2", "3", "x/2", "1/3"],
        );
        bilingual(
            &AhpError::RowNameMismatch {
                line: 3,
                expected: s("经济"),
                found: s("生态"),
            },
            &["3", "经济", "生态"],
        );
        bilingual(&AhpError::DuplicateName { name: s("民生") }, &["民生"]);
        bilingual(
            &AhpError::NotSquare {
                rows: 3,
                columns: 4,
            },
            &["3", "4"],
        );
        bilingual(&AhpError::Empty, &[]);
    }

    #[test]
    fn ahp_error_matrix() {
        bilingual(
            &AhpError::NotPositive {
                row: 2,
                column: 3,
                value: s("-1"),
            },
            &["(2, 3)", "-1"],
        );
        bilingual(
            &AhpError::DiagonalNotOne {
                index: 2,
                value: 0.5,
            },
            &["(2, 2)", "0.5"],
        );
        bilingual(
            &AhpError::NotReciprocal {
                row: 1,
                column: 2,
                a_ij: 3.0,
                a_ji: 0.5,
                product: 1.5,
                tolerance: 0.01,
            },
            &["(1, 2)", "(2, 1)", "3", "0.5", "1.5", "0.01"],
        );
        bilingual(
            &AhpError::RandomIndexUnavailable {
                table: RandomIndexTable::Saaty1980,
                n: 12,
                max_n: 10,
            },
            &["Saaty1980", "12", "10"],
        );
        bilingual(
            &AhpError::NotConverged {
                iterations: 1000,
                last_change: 1.5e-9,
            },
            &["1000", "1.5e-9"],
        );
        bilingual(
            &AhpError::Inconsistent {
                cr: 0.123456,
                threshold: 0.1,
                lambda_max: 3.2,
                ci: 0.1,
                random_index: 0.58,
                weights: vec![0.5, 0.3, 0.2],
            },
            &["0.1235", "0.1", "3.2000", "0.1000", "0.58"],
        );
    }

    #[test]
    fn entropy_error() {
        use EntropyError as E;
        bilingual(
            &E::UnknownDirection { name: s("up") },
            &["up", "benefit", "cost"],
        );
        bilingual(&E::UnknownNormalisation { name: s("z") }, &["z", "min-max"]);
        bilingual(&E::TooFewUnits { m: 1 }, &["1"]);
        bilingual(&E::NoIndicators, &[]);
        bilingual(
            &E::RaggedRow {
                row: 3,
                expected: 4,
                found: 2,
            },
            &["3", "4", "2"],
        );
        bilingual(
            &E::DirectionCount {
                expected: 4,
                found: 3,
            },
            &["4", "3"],
        );
        bilingual(&E::NonFinite { row: 2, column: 5 }, &["2", "5"]);
        bilingual(
            &E::NotPositive {
                row: 2,
                column: 5,
                value: -0.5,
            },
            &["2", "5", "-0.5"],
        );
        bilingual(&E::RangeOverflow { column: 6 }, &["6"]);
        bilingual(&E::NoInformation, &[]);
    }

    #[test]
    fn weighting_error() {
        use WeightingError as E;
        bilingual(&E::BadInput { message: s("EOF") }, &["EOF"]);
        bilingual(&E::Empty, &[]);
        bilingual(
            &E::InvalidRecord {
                record: 7,
                base_weight: -1.5,
            },
            &["7", "-1.5"],
        );
        bilingual(
            &E::InvalidTarget {
                cell: s("男|18-34"),
                value: -3.0,
            },
            &["男|18-34", "-3"],
        );
        bilingual(
            &E::SampleCellWithoutPopulation {
                cell: s("女"),
                sample_n: 12,
            },
            &["女", "12"],
        );
        bilingual(
            &E::EmptyPopulationCell {
                cell: s("65+"),
                population: 0.25,
            },
            &["65+", "0.25"],
        );
        bilingual(
            &E::CollapseChain {
                from: s("a"),
                to: s("b"),
            },
            &["a", "b"],
        );
        bilingual(
            &E::CategoryCount {
                record: 4,
                expected: 3,
                found: 2,
            },
            &["4", "3", "2"],
        );
        bilingual(
            &E::MissingTarget {
                margin: s("age"),
                category: s("90+"),
            },
            &["age", "90+"],
        );
        bilingual(
            &E::EmptyCategory {
                margin: s("sex"),
                category: s("other"),
                target: 0.5,
            },
            &["sex", "other", "0.5"],
        );
        bilingual(
            &E::InconsistentTotals {
                margin: s("age"),
                total: 99.5,
                first: s("sex"),
                first_total: 100.0,
            },
            &["age", "99.5", "sex", "100"],
        );
        bilingual(
            &E::InvalidOption {
                message: s("max_iter = 0"),
            },
            &["max_iter = 0"],
        );
    }
}
