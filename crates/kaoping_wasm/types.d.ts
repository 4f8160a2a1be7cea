// The TypeScript types of kaoping's WASM API, generated from the Rust types that cross it
// (crates/kaoping_wasm/tests/types.rs). Do not edit: change the Rust type, then run
// `UPDATE_TYPES=1 cargo test -p kaoping_wasm --features office --test types`.
// Office build: the types of the office methods (scoring, ingest, aggregation, tracking).

/** What every method throws: a JS Error, `message` in English, `text` in zh-CN and en. */
export interface IEngineError extends Error {
  text: IText;
}

/** How an instrument's raters are admitted. */
export type IAccess = "open" | "invitation" | "code";

/** An instrument's access and the accesses it may take. */
export interface IAccessChoice {
  /** Its access in the plan (`open` when `trust.instruments` does not name it). */
  access: IAccess;
  /**
   * `open` and `code` always; `invitation` only with a review sheet (an invitation opens
   * the review page).
   */
  choices: IAccess[];
  instrument: string;
}

/** Running totals of an [`AggregateRun`]. */
export interface IAggregateProgress {
  accepted: number;
  /** Input bytes pushed so far (all files). */
  bytes: number;
  /** Records or rows read, accepted and rejected so far. */
  read: number;
  rejected: number;
}

/** How a set of ratings is summarised. */
export type IAggregation = {
  method: "mean";
} | {
  method: "median";
} | {
  /** Ratings dropped at each end. */
  k: number;
  method: "trimmed";
};

/**
 * What an aggregation gives the page: `{manifest, result, ingest, outputs}`, where `outputs`
 * are the files `kaoping aggregate` writes.
 */
export interface IAggregationResult {
  ingest: IIngestReport;
  manifest: IManifest;
  outputs: IOutputBytes[];
  result: IEvaluationResult;
}

export interface IAgreementResult {
  /** Krippendorff's α, interval metric. */
  alpha?: number | null;
  category: string;
  icc_average?: number | null;
  /**
   * ICC(2,1) and ICC(2,k) (Shrout & Fleiss 1979) over the same complete block: the
   * reliability of one reviewer's score and of the panel's mean score.
   */
  icc_single?: number | null;
  indicator: string;
  kendall_p?: number | null;
  kendall_raters: number;
  /** Kendall's W (tie-corrected) over the reviewers who scored every unit. */
  kendall_w?: number | null;
  low_agreement: boolean;
  note?: string | null;
  raters: number;
  units: number;
}

/** The new version of a plan with its amendment appended. */
export interface IAmended {
  amendment: IAmendment;
  diff: IPlanDiff;
  /** The new plan's JSON (as written, with `amendments`), pretty-printed. */
  json: string;
}

/** One amendment of the plan: the plan of `replaces_sha256` became the plan of `version`. */
export interface IAmendment {
  /** What changed, one short line each. */
  changes?: IText[];
  /**
   * The instruments (and site-check sheets) whose records made under the replaced plan
   * stay valid: unchanged, or changed only compatibly (texts, added optional questions,
   * added options).
   */
  compatible?: string[];
  /** The day it was made, `YYYY-MM-DD`. */
  date: string;
  /** The instruments whose records do not stay valid, each with the first reason. */
  incompatible?: Record<string, IText>;
  /** Why (in every language of the plan). */
  reason: IText;
  /**
   * The SHA-256 of the plan it replaced (as written, with its own earlier amendments): the
   * `plan_sha256` of the records made under it.
   */
  replaces_sha256: string;
  /** The `version` of the plan it replaced. */
  replaces_version: string;
  /** The plan's `version` after this amendment. */
  version: string;
}

/** One thing to fix before the form can be submitted. */
export interface IAnswerIssue {
  code: string;
  /** The message in the requested language. */
  message: string;
  /** The question, and for a matrix the row, the issue belongs to. */
  question: string;
  /** `true` when the issue is about the written reason rather than the answer itself. */
  reason?: boolean;
  row?: string | null;
}

/** One answer to the satisfaction question in one unit. */
export interface IAnswerShare {
  /** The answer given (the scale point), when exactly one point has that score. */
  answer?: number | null;
  /** How many respondents gave it. */
  count: number;
  /** That answer's label in the plan, when it has one. */
  label?: IText | null;
  /**
   * `count` over all answers of the unit to the question (0–1, not rounded: the page
   * shows it as a percentage with its usual digits).
   */
  share: number;
  /** Its score (0–100). */
  value: number;
}

/** What a respondent has entered so far. */
export interface IAnswers {
  /** Written reasons per question id (不满意须说明理由). */
  reasons?: Record<string, string>;
  /**
   * Answer per question id. Single: `"value"`; multiple and ranking: `["a","b"]`; rating
   * and NPS: a number or `"unable"`; matrix: `{"row": 4, "row2": "unable"}`; number: a
   * number; text: a string.
   */
  values?: Record<string, unknown>;
}

/** How the period figures of an indicator add up to the year. */
export type IBasis = "sum" | "year_to_date" | "level";

/** A row of the table of who is behind. */
export interface IBehind {
  completion: number;
  gap: number;
  indicator: string;
  peers: number;
  progress: number;
  rank?: number | null;
  unit: string;
}

/** One problem of a plan workbook, at its cell and its JSON path. */
export interface IBookProblem {
  /**
   * The cell, with its sheet: `指标!D7` (or only the sheet's name, or empty for the whole
   * workbook).
   */
  cell: string;
  /** A stable machine-readable code, e.g. `not_a_number`, or the validation's own code. */
  code: string;
  /**
   * The id of the instrument `path` is inside, when it is inside one that has an id (as a
   * validation problem's): the office page links the problem to that form's preview.
   */
  instrument?: string | null;
  /** What is wrong, in zh-CN and en, naming the cell. */
  message: IText;
  /**
   * JSON Pointer (RFC 6901) of the plan value the cell maps to, e.g. `/indicators/5/weights/new`
   * (empty when the problem is not about one value).
   */
  path: string;
  /** The id of the question `path` is inside, when it has one. */
  question?: string | null;
  severity: IBookSeverity;
}

/** Whether a problem stops the plan from being read. */
export type IBookSeverity = "error" | "warning";

/** One person of a cadre roster. */
export interface ICadrePerson {
  name: string;
  /** The office's own id for the person (人员编号), when the roster has one. */
  person?: string | null;
  /** The post title (职务), "" when the roster gives none. */
  post?: string;
  /** The row (role) of the cadre question the person is rated under. */
  role: string;
  /** The unit's id. */
  unit: string;
}

export interface ICadreResult {
  /** 诫勉谈话: graded `basically_competent` or `incompetent`. */
  admonition_talk: boolean;
  cadre: string;
  /**
   * 优秀 by the votes, graded `competent` because the plan's cap on the share of 优秀
   * (`scoring.cadre.excellent_max_share`) was reached.
   */
  excellent_capped?: boolean;
  /** `excellent`, `competent`, `basically_competent`, `incompetent` or `insufficient`. */
  grade: string;
  n: number;
  /** The person rated under this role (`cadre`), from the cadre roster. */
  name?: string | null;
  /** The office's id for the person, when the roster has one. */
  person?: string | null;
  /** The person's post title (职务), from the cadre roster. */
  post?: string | null;
  /**
   * 一对一谈话提醒: graded `competent` or `excellent` with a share of 不称职 + 基本称职
   * votes above `scoring.cadre.reminder_talk_above`.
   */
  reminder_talk?: boolean;
  /** Votes for 1 不称职, 2 基本称职, 3 称职, 4 优秀. */
  votes: number[];
}

/** The people appraised, one entry per (unit, role), in the file's order. */
export interface ICadreRoster {
  people: ICadrePerson[];
}

/** Cadre grades from vote shares (rows of the cadre matrix, votes 1..4). */
export interface ICadreRules {
  /** 基本称职 when the share of 不称职 + 基本称职 votes is above this. */
  basic_above?: number;
  /** 优秀 when the share of 优秀 votes is at least this. */
  excellent_at_least?: number;
  /**
   * The most 优秀 as a share of the cadres graded city-wide (all units; `insufficient`
   * not counted): ⌊share × graded⌋ cadres may be 优秀. Those 优秀 by votes beyond it (fewest
   * 优秀 votes as a share first, ties by name in Unicode order, then unit and role id) are
   * graded 称职 with `excellent_capped`. Absent: no cap.
   */
  excellent_max_share?: number | null;
  /** 不称职 when the share of 不称职 votes is above this. */
  incompetent_above?: number;
  /** Fewer votes than this: no grade (`insufficient`). */
  min_votes?: number;
  /**
   * 一对一谈话提醒: a cadre graded 称职 or 优秀 whose share of 不称职 + 基本称职 votes is
   * above this is put on the unit's reminder-talk list. Absent: no such list.
   */
  reminder_talk_above?: number | null;
}

/**
 * A unit's talk lists by name (only with a cadre roster): who gets an admonition talk
 * (诫勉谈话) and who a one-to-one reminder talk (一对一谈话提醒).
 */
export interface ICadreTalks {
  admonition: ITalkEntry[];
  reminder: ITalkEntry[];
}

/** Why a reviewer's scores were left unchanged by calibration. */
export type ICalibrationFlag = "single_rating" | "zero_spread";

/** Next year's history for the page: the file's bytes and its entries. */
export interface ICarriedForward {
  bytes: Uint8Array;
  entries: IHistoryEntry[];
}

/**
 * A draft's answers carried over to another version of the plan: what still fits, and the
 * rest listed (never dropped silently).
 */
export interface ICarryOver {
  answers: IAnswers;
  dropped: IDropped[];
}

/**
 * A type of unit with its own core indicators and its own component weights
 * (中心城区, 新城区, 开发区, 市直部门).
 */
export interface ICategory {
  /** Weight of each component of the composite score for units of this category. */
  components: IComponents;
  id: string;
  name: IText;
}

/**
 * A category's subtotals: its orientations (goal, duty, problem; those it has indicators
 * of), each unit's subtotals in the result's unit order, and the mean over its units.
 */
export interface ICategoryOrientations {
  category: string;
  /** Per orientation (same order): the mean of the units' `score`s, over the units with one. */
  means: (number | null)[];
  orientations: IOrientation[];
  units: IUnitOrientations[];
}

export interface ICategoryResult {
  category: string;
  /** Mean indicator scores over the category's units (basis of the lists). */
  indicator_means: Record<string, number>;
  /** Listing order: score (rounded) descending, then unit id; unranked units last. */
  ranking: IRankEntry[];
}

/** One cell of a table. */
export type ICell = null | number | string;

/** One change between two versions of a plan. */
export interface IChange {
  /**
   * What kind of change: `question_added`, `option_removed`, `text_changed`, … (see
   * `docs/plan.md`).
   */
  code: string;
  /** Whether records of `instrument` made before the change stay valid after it. */
  compatible: boolean;
  /** The instrument (or site-check sheet) it changes; none for the plan's other parts. */
  instrument?: string | null;
  message: IText;
  /** Where, as a JSON Pointer into the new plan (the old one for what was removed). */
  path: string;
}

/** An option of a choice question, or a row of a matrix. */
export interface IChoice {
  label: IText;
  value: string;
}

/** A batch of code hashes the office signed. */
export interface ICodeBatch {
  /** The office's name for the batch, e.g. `2026-12 会议`. */
  batch: string;
  /** RFC 3339. */
  created: string;
  format: string;
  hashes: string[];
  instrument: string;
  /** The id of the office key that signed. */
  key: string;
  plan_id: string;
  /** base64url of the signature of [`batch_message`]; empty before signing. */
  signature?: string;
}

/** Per instrument: codes issued, used, unknown and reused, and sheets without a code. */
export interface ICodeCounts {
  issued: number;
  missing: number;
  reused: number;
  unknown: number;
  used: number;
}

/**
 * The files of a batch the office key signed: the batch (JSON, public: hashes only) and the
 * codes as CSV and printable slips (secret until handed out).
 */
export interface ICodeFiles {
  batch_json: string;
  csv: string;
  html: string;
  /** `codes-<batch>` with characters other than letters, digits, `-`, `_` as `_`. */
  stem: string;
}

/**
 * A new batch: the codes (secret until handed out), the batch of their hashes (unsigned)
 * and the bytes to sign ([`batch_message`]).
 */
export interface ICodeIssue {
  batch: ICodeBatch;
  /** `XXXX-XXXX-XXXX`, in the order made (duplicates, at 60 random bits, dropped). */
  codes: string[];
  /** The UTF-8 bytes the office key signs. */
  message: number[];
}

/** An instrument that takes codes: its id and its title in the language asked for. */
export interface ICodedInstrument {
  id: string;
  title: string;
}

/** How one column of the file will be read. */
export interface IColumnReading {
  /** Its non-empty cells (skip markers not counted). */
  cells: number;
  header: string;
  key: string;
  reading: IReading;
}

export interface IComponentScores {
  expert: IExpertComponent;
  indicators: IIndicatorsComponent;
  leadership: IComponentSummary;
  public: IPublicComponent;
}

/** The common figures of a component. */
export interface IComponentSummary {
  /** weight_used × value. */
  contribution?: number | null;
  /** t interval of the mean of the underlying scores. */
  interval?: IInterval | null;
  /** Scored ratings / respondents / indicators. */
  n: number;
  /** Kish effective n of a weighted part (expert panel). */
  n_eff?: number | null;
  status: IStatus;
  unable_to_judge: number;
  value?: number | null;
  /** Weight in the category's composite. */
  weight: number;
  /** Weight after renormalisation over the components present (None if not used). */
  weight_used?: number | null;
}

/** Weights of the four components of a unit's composite score; they add up to 1. */
export interface IComponents {
  /** Expert review panel (专家评审团). */
  expert: number;
  /** Indicator performance (目标、职责、问题导向指标). */
  indicators: number;
  /** Leadership appraisal (领导评价). */
  leadership: number;
  /** Public satisfaction (社会公众满意度). */
  public: number;
}

/** What makes a warning rule fire (at the latest period analysed). */
export type ICondition = {
  behind_progress: {
  points: number;
};
} | {
  behind_consecutive: {
  periods: number;
  points?: number;
};
} | {
  veto_event: Record<string, never>;
} | {
  constraint_event: Record<string, never>;
} | {
  milestone_slipped: {
  grace_days?: number;
};
} | {
  site_check_below: {
  score: number;
};
};

/** A rule an answer must satisfy, with the message shown when it does not. */
export interface IConstraint {
  /** An expression that must be true; `.` is the question's own answer. */
  expr: string;
  message: IText;
}

/** Totals of the aggregation: records read = accepted + rejected. */
export interface ICounts {
  accepted: number;
  history_entries: number;
  indicator_inputs: number;
  read: number;
  rejected: number;
  /**
   * Accepted records per version of the plan they answered; only for a plan with
   * amendments (`docs/plan.md`, 修订), else left out.
   */
  versions?: Record<string, number>;
}

/** A check criterion of a site-check sheet. */
export interface ICriterion {
  id: string;
  name: IText;
}

/** A field of the demo form. */
export type IDemoField = "n" | "seed";

/** The demo's input files, as the office would load them. */
export interface IDemoPeriods {
  /** `events.json`: constraint events. */
  events_json: string;
  /** `periods.csv`: unit, indicator, period, actual, last_year, peer_city. */
  periods_csv: string;
  /** `projects.json`: milestone reports. */
  projects_json: string;
  /** `site-checks.jsonl`: the quarterly site-check records (JSON Lines), a project file too. */
  site_checks_jsonl: string;
  /** The last month written. */
  through: string;
}

/** A field refused, with the reason in both languages. */
export interface IDemoProblem {
  field: IDemoField;
  message: IText;
}

/** The settings a demo data set is made with ([`super::demo_inputs`]). */
export interface IDemoSettings {
  /** Public responses, at most [`MAX_DEMO_PUBLIC`]. */
  n: number;
  /** The generator's seed (32 bits: what the office page's engine takes). */
  seed: number;
}

/** The demo form read: its settings, or the first field refused (the number before the seed). */
export interface IDemoSettingsCheck {
  problem?: IDemoProblem | null;
  settings?: IDemoSettings | null;
}

/** One unit's figure for one indicator as tracking gives it. */
export interface IDerivedFigure {
  /** The value tracking gives; none for a gap. */
  derived?: IIndicatorValue | null;
  /** `derived` and `value` in words, as the page shows them. */
  derived_text?: IText | null;
  /** The fields an override may set for this indicator (`veto` only for a veto indicator). */
  fields: string[];
  /** Why tracking has no value (a gap); none when it has one. */
  gap?: IText | null;
  indicator: string;
  kind: IIndicatorKind;
  /** Whether an override changed it. */
  overridden: boolean;
  /**
   * Project indicators: the site-check ratings of its projects, per quarter and rater group
   * (shown, not scored).
   */
  site_checks: IProjectRatings[];
  /** Where each part of the value came from: periods, target, milestones, events. */
  sources: IProvenance[];
  unit: string;
  /** The value scored (after overrides); none when it stays a gap. */
  value?: IIndicatorValue | null;
  value_text?: IText | null;
}

/** One difference found by [`verify`]. */
export interface IDifference {
  /**
   * `manifest_format`, `engine_version`, `file_missing`, `file_size`, `file_sha256`,
   * `plan_sha256`, `recompute_failed`, `counts`, `input_records`, `result_sha256`,
   * `result_value`, `result_values_more`, `output_missing`, `output_size`,
   * `output_sha256`, `output_recomputed`.
   */
  code: string;
  expected: string;
  found: string;
  message: IText;
  /** What differs: a file name, a count's name, or a JSON Pointer into the result. */
  subject: string;
}

export type IDirection = "higher_is_better" | "lower_is_better";

/** An answer of a draft, made under another version of the plan, that no longer fits. */
export interface IDropped {
  question: string;
  /** Why, in zh-CN and en. */
  reason: IText;
}

/** An encoding a table file is read in. */
export type IEncoding = "utf8" | "gb18030" | "utf16le" | "utf16be" | "auto";

/** The whole year's result. */
export interface IEvaluationResult {
  /** Agreement of the expert panel per category and reviewed indicator. */
  agreement: IAgreementResult[];
  /** Per-reviewer calibration figures (empty unless `expert.calibrate`). */
  calibration: IReviewerCalibration[];
  /** Rankings per category, in plan order. */
  categories: ICategoryResult[];
  format: string;
  /**
   * Indicator weights derived by AHP or entropy, per category (empty when every
   * category uses the plan's direct weights).
   */
  indicator_weights?: IIndicatorWeightsResult[];
  inputs: IInputSummary;
  /** Words for every grade id, keyed `unit.<id>`, `team.<id>`, `cadre.<id>`. */
  labels: Record<string, IText>;
  plan_id: string;
  /** SHA-256 of the canonical JSON of the plan scored (rules included). */
  plan_sha256: string;
  plan_version: string;
  /** Decimals of `composite_rounded`, used for ranks and grades. */
  precision: number;
  /**
   * The quality rules' totals over the units, per instrument (only with a `quality`
   * section in the rules).
   */
  quality?: IQualityResult[];
  /** The rules applied (the plan's `scoring` section with its defaults filled in). */
  rules: IScoringRules;
  /** One entry per unit, in plan order. */
  units: IUnitResult[];
  warnings: IWarning[];
  year: number;
}

export interface IEventEntry {
  /** A calendar date, `2026-06-30`. */
  date: string;
  description?: string | null;
  evidence: string;
  indicator: string;
  source: ISource;
  unit: string;
  veto: boolean;
}

/** A reviewer's comment on a unit's indicator (its reviewer not named). */
export interface IExpertComment {
  /** The reviewer's rater group. */
  group: string;
  indicator: string;
  /** The score the comment goes with (`None`: unable to judge). */
  score?: number | null;
  text: string;
}

/** The common figures of a component. */
export interface IExpertComponent {
  /** weight_used × value. */
  contribution?: number | null;
  groups: IGroupScore[];
  indicators: IExpertIndicator[];
  /** t interval of the mean of the underlying scores. */
  interval?: IInterval | null;
  /** Scored ratings / respondents / indicators. */
  n: number;
  /** Kish effective n of a weighted part (expert panel). */
  n_eff?: number | null;
  status: IStatus;
  unable_to_judge: number;
  value?: number | null;
  /** Weight in the category's composite. */
  weight: number;
  /** Weight after renormalisation over the components present (None if not used). */
  weight_used?: number | null;
}

export interface IExpertIndicator {
  /**
   * Every reviewer's score of the unit on the indicator, all groups together: how many gave
   * each value (ascending), and the t interval of their mean.
   */
  distribution: IValueCount[];
  groups: IGroupScore[];
  indicator: string;
  interval?: IInterval | null;
  value?: number | null;
}

/** Expert review panel (专家评审团). Group weights are the plan's `review.groups`. */
export interface IExpertRules {
  /** Aggregation of the reviewers' unit scores within a rater group. */
  aggregation?: IAggregation;
  /** Per-reviewer z-score calibration of the unit scores (leniency/harshness). */
  calibrate?: boolean;
  instrument?: string;
  /** Fewer scored reviewers than this in a group: the group is `insufficient`. */
  min_n?: number;
}

/** A value of one field of a figure. */
export type IFieldValue = boolean | number;

/**
 * A file from the page: `{name, bytes: Uint8Array, role?}` (`role`: an aggregation's input,
 * detected when absent).
 */
export interface IFileBytes {
  bytes: Uint8Array;
  name: string;
  role?: IInputRole | null;
}

/** Counts per file. */
export interface IFileCount {
  accepted: number;
  /** Tables: the encoding the file was read in. */
  encoding?: string | null;
  file: string;
  /** Tables: how the headers were mapped. */
  mapping?: IMappingReport | null;
  read: number;
  rejected: number;
}

/** A file: its name (a path relative to the manifest), size in bytes and SHA-256 of its bytes. */
export interface IFileEntry {
  name: string;
  /**
   * The office's overrides that an indicator-figures file made from tracking carries
   * (`kaoping track --year-end`): each field's value before and after, and why.
   */
  overrides?: IIndicatorOverride[];
  /** Records read, accepted and rejected from this file (record and scoring-inputs files). */
  records?: IRecordCounts | null;
  role?: IInputRole | null;
  sha256: string;
  size: number;
  /**
   * Rows of an indicator-figures or history table (CSV or XLSX, not JSON): those that gave
   * an entry and those left blank.
   */
  table_rows?: ITableRowCounts | null;
}

/** Options for one file. */
export interface IFileOptions {
  /** Tables: the text encoding (`auto` detects). */
  encoding?: IEncoding;
  format?: IFormat;
  /** Tables: the instrument the rows answer (default: the one the headers fit best). */
  instrument?: string | null;
  /** Tables: `{header: column_key}`, overriding the default mapping. */
  mapping?: Record<string, string>;
  /**
   * Tables: `{column_key: reading}`, how a survey tool's cells are read (values, labels,
   * option numbers; `table::preview` decides them from the whole file).
   */
  readings?: Record<string, IReading>;
  /**
   * Tables: `{column_key: {value: target}}`, the office's recoding of values that match no
   * option (`table::recode::Recodes`; `""` is an empty answer). Unrecoded values still
   * reject their rows.
   */
  recode?: Record<string, Record<string, string>>;
}

export interface IFileRow {
  accepted: number;
  file: string;
  read: number;
  rejected: number;
}

/**
 * What the files a person gave hold: one manifest, verified against the others
 * ([`verify_given`]); or no manifest, or more than one. JSON: `found` names which.
 */
export type IFileSetVerification = {
  found: "no_manifest";
} | {
  found: "many_manifests";
  names: string[];
} | {
  found: "verified";
  /** The manifest's file name. */
  manifest: string;
  /** The plan and input files the manifest names that were not given. */
  missing: string[];
  /** How many output files were compared. */
  outputs: number;
  verification: IVerification;
};

/**
 * What one change did to the form: the questions whose status changed (each with its whole
 * new status), the shown sections when they changed, and the form's counts.
 */
export interface IFormDiff {
  /** Shown questions with an answer, and the number of shown questions. */
  answered: number;
  /** True when there is no issue: the form can be submitted. */
  complete: boolean;
  questions: IQuestionStatus[];
  /** The shown sections, in order, when they changed; `null` when they did not. */
  sections?: string[] | null;
  total: number;
}

/**
 * A questionnaire file added to a plan: the new plan, what the instrument holds, what was
 * not imported, and the new plan's validation.
 */
export interface IFormImport {
  /** The new instrument's id. */
  instrument: string;
  /** The plan with the instrument added (pretty JSON with a final newline). */
  plan_json: string;
  /** How many questions the instrument has. */
  questions: number;
  /** The new plan checked: when not `ok`, it should not replace the plan. */
  report: IPlanReport;
  /** How many sections the instrument has. */
  sections: number;
  /** Every item of the form that is not in the instrument, or not wholly, with its reason. */
  skipped: ISkipped[];
  /** How many texts lacked one of the plan's languages and were copied from another. */
  texts_filled: number;
}

/** The state of a form after evaluating the answers. */
export interface IFormState {
  /** Shown questions with an answer, and the number of shown questions. */
  answered: number;
  /** True when there is no issue: the form can be submitted. */
  complete: boolean;
  issues: IAnswerIssue[];
  questions: string[];
  /** Questions whose written reason is required now. */
  reasons_required: string[];
  /** Shown sections and questions, in order. */
  sections: string[];
  total: number;
}

/** How a file is read. */
export type IFormat = "json" | "jsonl" | "csv" | "auto";

/**
 * [`verify`] of the files a person gave ([`match_given`]); of the outputs, those given are
 * compared.
 */
export interface IGivenVerification {
  /** The plan and input files the manifest names that were not given. */
  missing: string[];
  /** How many output files were compared. */
  outputs: number;
  verification: IVerification;
}

/**
 * A grade: given when the composite (rounded) is ≥ `min_score`, the unit's rank within
 * its category is within the quota `top_share`, and it has no veto.
 */
export interface IGradeRule {
  id: string;
  /** Units with this grade are merit units (立功单位). */
  merit?: boolean;
  min_score?: number | null;
  name: IText;
  /** Share of the units of the category (rank ≤ rounded share × units; ties included). */
  top_share?: number | null;
}

export interface IGroupScore {
  group: string;
  mean?: number | null;
  n: number;
  status: IStatus;
  unable_to_judge: number;
  /** The group's aggregate (mean, median or trimmed mean). */
  value?: number | null;
  weight: number;
  weight_used?: number | null;
}

/**
 * What a header of a file became: a column of the flat layout, a survey tool's own column, or
 * nothing.
 */
export type IHeaderKind = "respondent_id" | "submitted_at" | "plan_id" | "question" | "matrix_row" | "reason" | "option" | "code" | "tool_duration" | "tool_column" | "unused";

/** An earlier year's result of a unit. */
export interface IHistoryEntry {
  grade: string;
  team_grade?: string | null;
  unit: string;
  year: number;
}

/** What the office chooses for an import. */
export interface IImportOptions {
  /** The instrument's id in the plan (default: the XLSForm's form_id, else `imported`). */
  id?: string | null;
}

/** One indicator of the annual model (年度绩效管理指标). */
export interface IIndicator {
  /** Whether a higher actual value is better (data indicators). */
  direction?: IDirection | null;
  /** The first period the indicator applies from, when added during the year (追加下达). */
  from_period?: string | null;
  id: string;
  kind: IIndicatorKind;
  /** Measurement unit of a data indicator, e.g. `%` or `亿元`. */
  measure?: IText | null;
  name: IText;
  orientation: IOrientation;
  /** A triggered veto makes the unit non-compliant (一票否决). */
  veto?: boolean;
  /**
   * Weight within the indicator component, per category id. A category that is not listed
   * does not have this indicator. Each category's weights add up to 1.
   */
  weights: Record<string, number>;
}

/** The year's figure of one indicator for one unit. */
export type IIndicatorInput = {
  indicator: string;
  unit: string;
} & ({
  actual: number;
  baseline?: number | null;
  target: number;
} | {
  milestones_done: number;
  milestones_total: number;
} | {
  passed: boolean;
  reason?: IText | null;
  veto?: boolean;
});

export type IIndicatorKind = "data" | "project" | "constraint";

/**
 * An override made: the field's value before (none where tracking had no value) and after,
 * and why. Kept in the year-end figures file and in the manifest entry of that file.
 */
export interface IIndicatorOverride {
  /** The field's key (`actual`, `milestones_done`, `veto`, …). */
  field: string;
  indicator: string;
  /** The value derived from tracking; none for a gap. */
  original?: IFieldValue | null;
  reason: string;
  unit: string;
  value: IFieldValue;
}

/** Scoring of indicator data. */
export interface IIndicatorRules {
  constraint_fail?: number;
  /** Constraint indicator scores. */
  constraint_pass?: number;
  data_cap?: number;
  /**
   * Data indicator: score = clamp(ratio, floor, cap) × 100, where ratio is
   * actual / target (higher is better) or target / actual (lower is better).
   */
  data_floor?: number;
  /**
   * Project indicator: weight of milestone completion; 1 − this is the weight of the
   * expert review score of that indicator.
   */
  milestone_weight?: number;
}

export interface IIndicatorScore {
  contribution?: number | null;
  /** The plan's direct weight, when `weight` was derived. */
  direct_weight?: number | null;
  /** Project: the panel's score of this indicator. */
  expert?: number | null;
  indicator: string;
  input?: IIndicatorValue | null;
  kind: IIndicatorKind;
  /** Data: the clamped ratio; project: milestone completion (0–1). */
  ratio?: number | null;
  score?: number | null;
  /**
   * Weight for the unit's category: the plan's, or the one derived by
   * `weight_method` (see `indicator_weights` of the result).
   */
  weight: number;
  /** `ahp` or `entropy` when the weight was derived (absent: the plan's direct weight). */
  weight_method?: string | null;
  weight_used?: number | null;
}

/** Data, project or constraint figures (told apart by their fields). */
export type IIndicatorValue = {
  actual: number;
  baseline?: number | null;
  target: number;
} | {
  milestones_done: number;
  milestones_total: number;
} | {
  passed: boolean;
  reason?: IText | null;
  veto?: boolean;
};

/**
 * How the indicator weights of a category are obtained.
 *
 * The derived weights (Σ = 1 over `criteria`) replace the direct weights of the
 * criteria, rescaled to the share of the component that the criteria's direct weights
 * had: `weight_i = (Σ_{j ∈ criteria} direct_j) × derived_i`. The other indicators of the
 * category keep their direct weights, so the category's weights still add up as before.
 */
export type IIndicatorWeights = {
  method: "direct";
} | {
  /** Indicator ids, in the order of the matrix rows and columns. */
  criteria: string[];
  /** a_ij = importance of criterion i over j (1/3 written 0.3333…); reciprocal. */
  matrix: number[][];
  method: "ahp";
  /**
   * Random-index table: `saaty1980`, `saaty2005`, `alonso-lamata2006`,
   * `donegan-dodd1991`.
   */
  random_index?: string;
} | {
  /** Data indicator ids; empty = every data indicator of the category. */
  criteria?: string[];
  method: "entropy";
};

/** Indicator weights of a category derived by AHP or entropy. */
export interface IIndicatorWeightsResult {
  category: string;
  /** AHP: consistency ratio, λmax, random index and its table. */
  cr?: number | null;
  criteria: string[];
  /** Weights by the method (Σ = 1). */
  derived: number[];
  /** The plan's direct weights of the criteria. */
  direct: number[];
  /** Entropy: e_j of each criterion, and the units whose figures were used. */
  entropy?: number[] | null;
  lambda_max?: number | null;
  /** `ahp`, `entropy`, or `direct` when entropy could not be computed (see `note`). */
  method: string;
  note?: string | null;
  random_index?: number | null;
  /** Their sum: the share of the component the criteria keep. */
  share: number;
  table?: string | null;
  units?: string[] | null;
  /** share × derived: the weights used. */
  weights: number[];
}

/** The common figures of a component. */
export interface IIndicatorsComponent {
  /** weight_used × value. */
  contribution?: number | null;
  /** t interval of the mean of the underlying scores. */
  interval?: IInterval | null;
  items: IIndicatorScore[];
  /** Scored ratings / respondents / indicators. */
  n: number;
  /** Kish effective n of a weighted part (expert panel). */
  n_eff?: number | null;
  status: IStatus;
  unable_to_judge: number;
  value?: number | null;
  /** Weight in the category's composite. */
  weight: number;
  /** Weight after renormalisation over the components present (None if not used). */
  weight_used?: number | null;
}

/** Running totals, for progress. */
export interface IIngestProgress {
  accepted: number;
  read: number;
  rejected: number;
}

/** What an ingest produced: the accepted records and everything rejected. */
export interface IIngestReport {
  accepted: number;
  /**
   * Per instrument that needs a one-time code: codes issued (in the valid batches given),
   * used, unknown and reused, and responses without a code. Left out when empty.
   */
  codes?: Record<string, ICodeCounts>;
  files: IFileCount[];
  read: number;
  rejected: IRejection[];
  /**
   * Signed sheets accepted but not counted: a later sheet of the same (instrument, rater)
   * counts instead (`crate::trust::settle`). Left out when empty.
   */
  superseded?: ISuperseded[];
  /**
   * Accepted records per version of the plan they answered (the plan's own and those its
   * amendments replaced); only for a plan with amendments, else empty and left out.
   */
  versions: Record<string, number>;
}

/**
 * What the ingest tables need of an ingest report; reads the JSON of an [`IngestReport`] too
 * (the office page hands it back for export).
 */
export interface IIngestSummary {
  /** One-time codes per instrument that takes them (`IngestReport::codes`). */
  codes?: Record<string, ICodeCounts>;
  files?: IFileRow[];
  rejected?: IRejectionRow[];
  /** Signed sheets a later one replaced (`IngestReport::superseded`). */
  superseded?: ISuperseded[];
}

/** What a file holds. */
export type IInputKind = "periods" | "projects" | "events";

/** What an input file holds. */
export type IInputRole = "records" | "scoring_inputs" | "indicators" | "history" | "code_batch" | "cadre_roster";

export interface IInputSummary {
  history_entries: number;
  indicator_inputs: number;
  /** Records left out, by reason. */
  records_skipped: Record<string, number>;
  /** Records used, by instrument id. */
  records_used: Record<string, number>;
  reviewers: number;
}

/** A form: the public survey, an expert review sheet, a cadre appraisal. */
export interface IInstrument {
  id: string;
  intro?: IText | null;
  kind: IInstrumentKind;
  /** Answering faster than this is recorded as a speeder (not blocked). */
  min_seconds?: number | null;
  /** The review sheet of a `review` instrument. */
  review?: IReviewSheet | null;
  /** Pages of questions; a respondent sees one section at a time. */
  sections?: ISection[];
  title: IText;
}

export type IInstrumentKind = "survey" | "review" | "appraisal";

/** Whether the records of one instrument of the old plan stay valid under the new one. */
export interface IInstrumentVerdict {
  compatible: boolean;
  instrument: string;
  /** The first incompatible change, when there is one. */
  reason?: IText | null;
}

/** A two-sided interval around an estimate. */
export interface IInterval {
  estimate: number;
  /** Confidence level, e.g. 0.95. */
  level: number;
  lower: number;
  /** Sample size the interval is based on. */
  n: number;
  upper: number;
}

/** An opened, verified token. */
export interface IInvitation {
  payload: IInvitationPayload;
  /** The first 16 hex characters of SHA-256 of the payload bytes. */
  token_id: string;
}

/**
 * An invitation to be signed, as the roster gives it; [`InvitationDraft::payload`] checks
 * it against the plan.
 */
export interface IInvitationDraft {
  group?: string | null;
  instrument: string;
  /** The id of the office key that will sign. */
  key: string;
  name: string;
  rater: string;
  /** 16 hex characters from the caller's randomness. */
  serial: string;
  /** Unit ids (a roster's categories and names resolved already). */
  units: string[];
  /**
   * RFC 3339 times (any offset), or China-time days `YYYY-MM-DD` (valid from the day's first
   * millisecond until its last, +08:00); written as UTC with milliseconds.
   */
  valid_from: string;
  valid_until: string;
}

/** An invitation ready to hand out. */
export interface IInvitationLink {
  /**
   * `<base>review.html?plan=<plan url>&instrument=<id>#invite=<token>`; the token in the
   * fragment never reaches a server's log.
   */
  link: string;
  payload: IInvitationPayload;
  token: string;
  token_id: string;
}

/** What an invitation says (the signed payload). */
export interface IInvitationPayload {
  /** Always [`INVITATION_FORMAT`]. */
  format: string;
  /** The rater's review group, when the sheet has groups. */
  group?: string | null;
  instrument: string;
  /** The id of the office key that signed. */
  key: string;
  name: string;
  plan_id: string;
  /** The rater's id: the sheet's `respondent_id`. */
  rater: string;
  /** 16 random hex characters, so that a re-issue is a new token. */
  serial: string;
  /** The unit ids the rater rates. */
  units: string[];
  /** RFC 3339 UTC times with milliseconds: the sheet must be submitted within. */
  valid_from: string;
  valid_until: string;
}

/** What the review page shows for an invitation. */
export interface IInvitedSheet {
  invitation: IInvitation;
  /** The instrument's review sheet with only the invitation's units. */
  layout: IReviewSheetLayout;
}

export interface IItemScore {
  /** How many respondents gave each score (0–100, ascending). */
  distribution: IValueCount[];
  /** t interval of the item's mean score (unweighted). */
  interval?: IInterval | null;
  item: string;
  mean?: number | null;
  n: number;
  unable_to_judge: number;
}

/** Leadership team appraisal (领导班子评价) from the cadre instrument. */
export interface ILeadershipRules {
  aggregation?: IAggregation;
  /** Matrix question with one row per cadre, voted 1..4. */
  cadre_question?: string;
  instrument?: string;
  min_n?: number;
  /** Matrix question rating the team (its mean row score is the respondent's score). */
  team_question?: string;
  unit_question?: string;
}

/** Level of a warning. */
export type ILevel = "notice" | "warning";

export interface IListItem {
  category_mean: number;
  /** score − category mean, rounded to the result's precision. */
  difference: number;
  indicator: string;
  score: number;
}

/** The manifest of one aggregation. */
export interface IManifest {
  counts: ICounts;
  engine_version: string;
  format: string;
  /**
   * The input files, in the order they were read (the order matters: of two records with
   * the same response id, the first is kept).
   */
  inputs: IFileEntry[];
  /** The files written beside the manifest. */
  outputs: IFileEntry[];
  parameters: IParameters;
  plan: IPlanEntry;
  result: IResultEntry;
}

/** One header of a file and where it went. */
export interface IMappedHeader {
  /**
   * `key`, `label` or `mapping`: how the header was matched; for a survey tool's export
   * `numbered`, `matrix` or `tool` (a tool's own column: its key, or none when it is only
   * recognised, [`MappingReport::recognised`]).
   */
  by?: string | null;
  header: string;
  /** The column key, or `None` when the header is not used. */
  key?: string | null;
  /** What the header became. */
  kind: IHeaderKind;
  /** The id of the question it is (or is a matrix row, the reason or an option of). */
  question?: string | null;
  /** For a matrix row: the row's value. */
  row?: string | null;
}

/** How a file's headers were mapped to the instrument's layout. */
export interface IMappingReport {
  headers: IMappedHeader[];
  instrument: string;
  missing: IMissingColumn[];
  /**
   * Survey tools' own columns (time taken, source, IP): recognised, and only the time
   * taken used.
   */
  recognised?: IRecognisedHeader[];
  unmapped_headers: string[];
}

export interface IMilestone {
  /** Due date, `YYYY-MM-DD`. */
  due: string;
  id: string;
  name: IText;
}

export interface IMilestoneStatus {
  /** A calendar date, `2026-06-30`. */
  done_on?: string | null;
  /** A calendar date, `2026-06-30`. */
  due: string;
  milestone: string;
  /** Days late: done_on − due, or the end of `through` − due when overdue. */
  slip_days: number;
  /** `done`, `done_late`, `overdue` (past due, not reported done) or `open`. */
  status: string;
}

/** A column of the plan's layout that no header maps to. */
export interface IMissingColumn {
  key: string;
  /** Whether its question must always be answered (such rows will be rejected). */
  required: boolean;
}

/**
 * What to do when a part of a score has no (or too few) ratings: a rater group of the
 * expert panel, a component of a unit's composite, an indicator of a unit.
 */
export type IMissingPolicy = "renormalise" | "incomplete";

/** A named file's text, as a page or a worker passes it. */
export interface INamedFile {
  name: string;
  text: string;
}

/** Next year's plan and what was changed to make it. */
export interface INextYear {
  /** One line per change, in both languages. */
  changes: IText[];
  /** The plan's JSON, pretty-printed. */
  json: string;
}

/** A unit's printable notice. */
export interface INotice {
  /** The same content as a fragment, to show inside a page. */
  body: string;
  /** A whole page (for download and print). */
  html: string;
  level: ILevel;
  unit: string;
}

/** How notices are numbered and when the units' replies are due. */
export interface INoticeRules {
  /** Weekdays that are not working days (法定节假日), `YYYY-MM-DD`. */
  holidays?: string[];
  /**
   * The document number (文号) of a notice (通知单): `{year}` is the year of issue, `{seq}`
   * the notice's number in that year and kind (`{seq:3}` pads it to 3 digits).
   */
  notice_number?: string;
  /** Working days a unit has to answer in writing, from the day after issue. */
  reply_working_days?: number;
  /** The document number of a warning notice (预警通知单), with the same placeholders. */
  warning_number?: string;
  /** Weekend days that are working days (调休上班), `YYYY-MM-DD`. */
  workdays?: string[];
}

/** What became of a notice, on a given day. */
export type INoticeStatus = "issued" | "answered" | "rectified" | "overdue";

export interface INps {
  detractors: number;
  n: number;
  /** (promoters − detractors) / n × 100. */
  nps: number;
  passives: number;
  promoters: number;
}

/** One of the office's public keys. */
export interface IOfficeKey {
  /** The key id: the first 16 hex characters of SHA-256 of the key's 32 bytes. */
  id: string;
  /** `ed25519:` + base64url (no padding) of the key's 32 bytes. */
  public: string;
  /** A revoked key verifies nothing (a lost laptop: revoke it and invite again). */
  revoked?: boolean;
}

export type IOrientation = "goal" | "duty" | "problem";

/** One unit's indicators of one orientation. */
export interface IOrientationSubtotal {
  /** Their contributions to the indicator component, summed; none when none contributes. */
  contribution?: number | null;
  /** The indicators of this orientation the unit's category is assessed on. */
  indicators: number;
  orientation: IOrientation;
  /** Weighted mean score of the scored ones (0–100); none when none is scored. */
  score?: number | null;
  /** How many of them have a score. */
  scored: number;
  /** Their weights in the category, summed (the plan's or the derived ones). */
  weight: number;
}

/** An output file for the page: `{name, bytes: Uint8Array}`. */
export interface IOutputBytes {
  bytes: Uint8Array;
  name: string;
}

/**
 * One override the office asks for: a field of a unit's figure for an indicator set to a
 * value (the cell's text, read by the field's kind where it is applied), with its reason.
 */
export interface IOverrideRequest {
  /**
   * `actual`, `target`, `baseline`, `milestones_done`, `milestones_total`, `passed`, `veto`
   * (or the figures table's header: 实际值, 目标值, 基期值, 已完成节点, 节点总数, 是否达标, 一票否决).
   */
  field: string;
  /** The indicator's id or its name in any plan language. */
  indicator: string;
  /** Why (required). */
  reason?: string;
  /**
   * Where the override was given: the spreadsheet row of a file (the header is row 1), or
   * its place in the page's list (from 1).
   */
  row?: number;
  /** The unit's id or its name in any plan language. */
  unit: string;
  /** The new value as typed: a number, a whole number of milestones, or yes/no (是/否). */
  value: string;
}

/** Every parameter of an aggregation that is not in a file. */
export interface IParameters {
  /**
   * Language of the tables' titles, headers and words (`zh-CN` or `en`); the result JSON
   * does not depend on it.
   */
  lang: string;
}

/** How the year is divided for tracking. */
export type IPeriodKind = "month" | "quarter" | "half_year";

/** The whole evaluation plan for one year. */
export interface IPlan {
  /**
   * The plan's version history (修订记录), oldest first: what each amendment replaced and
   * which instruments' earlier records stay valid (see `docs/plan.md`). Left out of the
   * plan's JSON when empty, so plans without amendments keep their fingerprint.
   */
  amendments?: IAmendment[];
  categories: ICategory[];
  description?: IText | null;
  /** Stable identifier, e.g. `wuhan-2026`. */
  id: string;
  indicators: IIndicator[];
  instruments: IInstrument[];
  /** Languages every text of the plan is written in; the first is the default. */
  languages: string[];
  /**
   * What the public results page (公示) may show (see `docs/publish.md`); the defaults
   * when absent. Left out of the plan's JSON when absent, so plans without it keep their
   * fingerprint.
   */
  publication?: IPublication | null;
  /** How the year is scored, ranked and graded (see `docs/scoring.md`). */
  scoring?: IScoringRules;
  title: IText;
  /**
   * How progress is watched through the year: periods, time progress, targets, projects,
   * warning rules (see `docs/tracking.md`). Kept as JSON and read by
   * `crate::track::TrackingRules::of`, like `scoring`.
   */
  tracking?: ITrackingRules;
  /**
   * Who may rate: the office's public keys and which instruments need an invitation or a
   * one-time code (see `docs/trust.md`). Kept as JSON and read by
   * `crate::trust::TrustRules::of`, like `scoring`; left out when null, so plans without it
   * keep their fingerprint.
   */
  trust?: ITrustRules;
  units: IUnit[];
  /** The plan's own revision, chosen by the office. */
  version: string;
  year: number;
}

/** What changed from one version of a plan to another. */
export interface IPlanDiff {
  changes: IChange[];
  /** Whether every instrument's records stay valid. */
  compatible: boolean;
  /** Every instrument and site-check sheet of the old plan, in its order. */
  instruments: IInstrumentVerdict[];
  /** The new version's languages: an amendment's reason is written in each. */
  languages: string[];
  new_sha256: string;
  new_version: string;
  old_sha256: string;
  old_version: string;
  /** Whether both versions have the same plan id (an amendment needs it). */
  same_id: boolean;
}

/** The plan file and the plan's own fingerprint. */
export interface IPlanEntry {
  file: IFileEntry;
  id: string;
  /** SHA-256 of the canonical JSON of the plan as written (`Plan.sha256`). */
  sha256: string;
  version: string;
}

/**
 * A plan file read for the page: the plan's JSON text to validate and load (`ok`), or every
 * problem of the workbook at its cell (`problems`; warnings too when `ok`).
 */
export interface IPlanFile {
  json?: string | null;
  ok: boolean;
  problems: IBookProblem[];
  sha256?: string | null;
}

/** The outcome of validating a plan text: the plan when it is usable, and every problem. */
export interface IPlanReport {
  ok: boolean;
  problems: IProblem[];
  /** SHA-256 of the canonical plan JSON, when the plan is valid. */
  sha256?: string | null;
}

/** The figures of one period. */
export interface IPoint {
  /** The figure as given for this period. */
  actual?: number | null;
  /**
   * Completion in % of the annual target (lower is better: share of the cap used, or
   * target ÷ actual for a level).
   */
  completion?: number | null;
  /** Points ahead (+) or behind (−) time progress. */
  gap?: number | null;
  last_year?: number | null;
  peer_city?: number | null;
  /** Mean completion of those peers. */
  peer_mean?: number | null;
  peers: number;
  /** A period: a month `2026-03`, a quarter `2026-Q1` or a half-year `2026-H1`. */
  period: string;
  /** Time progress in % (expected share of the target by the end of the period). */
  progress: number;
  /**
   * Rank by gap among the units of the category with a gap in this period (1 = best;
   * ties share a rank).
   */
  rank?: number | null;
  /**
   * The figure compared with the target: the sum so far (`sum`), the figure as given
   * (`year_to_date`, `level`); none when a period so far is missing.
   */
  value?: number | null;
  /** actual − peer_city, signed so that + is better. */
  vs_peer_city?: number | null;
  /** value − the same period last year (for `sum`, the sum so far of last year). */
  yoy_change?: number | null;
  /** yoy_change in % of last year's value (not for levels). */
  yoy_pct?: number | null;
}

/** A prefilled answer the form cannot take, and why, in both languages. */
export interface IPrefillIssue {
  /**
   * `prefill_unknown_question`, `prefill_empty`, or the code of the answer's own check
   * (`not_an_option`, `not_on_scale`, `constraint`, …).
   */
  code: string;
  message: IText;
  /** The question id the portal gave. */
  question: string;
  /** For a matrix question, the row the issue is about. */
  row?: string | null;
}

/** What ingest will make of a response table. */
export interface IPreview {
  columns: IColumnReading[];
  encoding: string;
  /**
   * The fingerprint of the header row (SHA-256 of the headers, each ended by U+001F): files
   * a tool exports from one questionnaire share it, so the office can offer the mapping and
   * recoding it chose for an earlier one.
   */
  layout: string;
  mapping: IMappingReport;
  /** To give to ingest as the file's `readings`. */
  readings: Record<string, IReading>;
  /** Data rows read (the header not counted). */
  rows: number;
  unmatched: IUnmatchedValue[];
}

/** An invitation ready to print: its link and the QR code of the link (SVG text). */
export interface IPrintedInvitation {
  invitation: IInvitationLink;
  qr_svg: string;
}

/**
 * 最希望改进的方面: how many of a unit's respondents chose each option of the plan's
 * priorities question (unweighted; records the quality rules exclude are not counted).
 */
export interface IPriorities {
  /** Respondents who answered the question. */
  n: number;
  /** Every option of the question, most chosen first (ties in the plan's order). */
  options: IPriorityCount[];
  question: string;
}

/** One option of the priorities question with the respondents who chose it. */
export interface IPriorityCount {
  count: number;
  label: IText;
  option: string;
  /** `count / n` (0 when nobody answered). */
  share: number;
}

/** One thing wrong with a plan. */
export interface IProblem {
  /** A stable machine-readable code, e.g. `unknown_key`, `duplicate_id`. */
  code: string;
  column?: number | null;
  /**
   * The id of the instrument the path is inside, when it is inside one that has an id: the
   * office page links the problem to that form's preview.
   */
  instrument?: string | null;
  /** 1-based line and column in the plan text, when the path can be found in it. */
  line?: number | null;
  /** What is wrong, in zh-CN and en. */
  message: IText;
  /** JSON Pointer (RFC 6901) to the offending value, e.g. `/units/3/category`. */
  path: string;
  /** The id of the question the path is inside (in that instrument), when it has one. */
  question?: string | null;
}

/**
 * Time progress (时间进度): the expected cumulative share of the annual target by the end of
 * each period.
 */
export type IProgress = {
  profile: "linear";
} | {
  cumulative: number[];
  profile: "seasonal";
};

/** A major project of a unit, under one of its project indicators. */
export interface IProject {
  id: string;
  /** A project indicator of the unit's category. */
  indicator: string;
  milestones: IMilestone[];
  name: IText;
  unit: string;
}

/** A tracking project's site-check ratings. */
export interface IProjectRatings {
  project: string;
  ratings: IRatingSummary[];
}

export interface IProjectStatus {
  /** done ÷ total, in %. */
  completion: number;
  done: number;
  done_of_due: number;
  /** Milestones due by the end of `through`, and how many of them are done. */
  due_by_now: number;
  indicator: string;
  milestones: IMilestoneStatus[];
  project: string;
  /** Site-check ratings per quarter and rater group. */
  ratings: IRatingSummary[];
  total: number;
  unit: string;
}

/** One fact a figure was made from, in words, and the file row it was read from (when one). */
export interface IProvenance {
  source?: ISource | null;
  text: IText;
}

/** The common figures of a component. */
export interface IPublicComponent {
  /** weight_used × value. */
  contribution?: number | null;
  /**
   * Cronbach's α of the scale the items form (scores of the respondents who answered every
   * item, unweighted), and how many such respondents there were.
   */
  cronbach_alpha?: number | null;
  cronbach_n: number;
  /** t interval of the mean of the underlying scores. */
  interval?: IInterval | null;
  /** Item means (unweighted). */
  items: IItemScore[];
  /**
   * `cronbach_alpha` is below the rules' `cronbach_threshold`: the items do not hang
   * together well enough to be read as one satisfaction scale (a warning says so).
   */
  low_reliability: boolean;
  /** Scored ratings / respondents / indicators. */
  n: number;
  /** Kish effective n of a weighted part (expert panel). */
  n_eff?: number | null;
  nps?: INps | null;
  /**
   * What the unit's residents most want improved, when the rules name a
   * `priorities_question`.
   */
  priorities?: IPriorities | null;
  /** Top-box share with its Wilson interval. */
  satisfaction_rate?: IInterval | null;
  status: IStatus;
  unable_to_judge: number;
  value?: number | null;
  /** Weight in the category's composite. */
  weight: number;
  /** Weight after renormalisation over the components present (None if not used). */
  weight_used?: number | null;
  /** Survey weighting of the unit's respondents, when the rules ask for it. */
  weighting?: IPublicWeightingResult | null;
}

/** Public satisfaction (社会公众满意度). */
export interface IPublicRules {
  aggregation?: IAggregation;
  /** Instrument id of the survey. */
  instrument?: string;
  /** Questions forming the satisfaction index: every row of a matrix, or a rating. */
  items?: string[];
  /**
   * Fewer scored respondents than this: `insufficient`. With `weighting`, also the
   * Kish effective n below which a warning is given.
   */
  min_n?: number;
  /** NPS question (0–10): promoters 9–10, detractors 0–6. */
  nps_question?: string | null;
  /**
   * A choice question (最希望改进的方面) counted per unit of `unit_question`: how many
   * respondents chose each option (records the quality rules exclude are not counted;
   * counts are unweighted).
   */
  priorities_question?: string | null;
  /** Rating question of the satisfaction rate (top-box share). */
  satisfaction_question?: string | null;
  /** Number of top scale points counted as satisfied (2 = top-2 box). */
  top_box?: number;
  /**
   * A matrix of the survey whose rows are units the public uses rather than lives in
   * (city departments, development zones): "which of these did you use this year, and how
   * satisfied were you". Each row a respondent rated is that respondent's rating of the
   * unit, scored beside the residents of `unit_question`'s units (rows left empty: not
   * used). No row may be an option of `unit_question`.
   */
  unit_matrix?: string | null;
  /** The single-choice question whose answer is the unit rated. */
  unit_question?: string;
  /** Survey weighting of each unit's respondents (none: every respondent counts 1). */
  weighting?: IPublicWeighting | null;
}

/**
 * Survey weighting of the public respondents, applied within each unit.
 *
 * Targets are population *shares* (any positive scale; they are normalised to sum 1)
 * and apply to every unit, unless the unit has its own targets in `*_by_unit`.
 * Weights are computed at `finish` from the merged per-cell counts and normalised to
 * mean 1 within the unit.
 */
export type IPublicWeighting = {
  /**
   * Single-choice question ids forming the cell; the cell key is the answers
   * joined by `|`, e.g. `"18-29|female"`.
   */
  by: string[];
  /**
   * Cells merged before weighting (cell → merged cell), for cells without
   * respondents; a cell still empty is reported (warning, unit left unweighted).
   */
  collapse?: Record<string, string>;
  method: "post_stratify";
  /** Population share of each cell. */
  population: Record<string, number>;
  /** Unit id → its own population shares (overrides `population` for that unit). */
  population_by_unit?: Record<string, Record<string, number>>;
} | {
  /** Cap on a weight as a multiple of the mean weight (> 1), e.g. 5. */
  cap?: number | null;
  /** Single-choice question id → population share of each answer. */
  margins: Record<string, Record<string, number>>;
  /** Unit id → its own margins (overrides `margins` for that unit). */
  margins_by_unit?: Record<string, Record<string, Record<string, number>>>;
  method: "rake";
};

/** How a unit's public respondents were weighted. */
export interface IPublicWeightingResult {
  cap_satisfied?: boolean | null;
  /** Weighting cells (answers joined by `|`) with respondents and weight (mean 1). */
  cells: IWeightCell[];
  /** Raking: converged within tolerance, and no weight above the cap. */
  converged?: boolean | null;
  /** Kish design effect n·Σw²/(Σw)² over the unit's respondents. */
  design_effect?: number | null;
  /** Kish effective n (Σw)²/Σw² over the unit's respondents. */
  effective_n?: number | null;
  error?: string | null;
  /** `post_stratify` or `rake`. */
  method: string;
  /** `ok`, or `failed` (estimates left unweighted; see `error` and the warnings). */
  status: string;
  /** The index aggregate without weights, for comparison. */
  unweighted_value?: number | null;
}

/** The plan's `publication` section: what the public results page (公示) may show. */
export interface IPublication {
  /**
   * A public share or mean from fewer respondents than this is shown as "too few answers"
   * (with complementary suppression, so that it cannot be recovered from a total). At
   * least 1; default 10.
   */
  min_publish_n?: number;
  /**
   * Each unit's feedback letter asks for its rectification report within this many days
   * of the letter. 1 to 366; default 30.
   */
  rectify_within_days?: number;
}

/** What a quality rule does with the records it touches. */
export type IQualityAction = {
  action: "count";
} | {
  action: "down_weight";
  /** The record's weight, above 0 and below 1 (e.g. 0.5). */
  weight: number;
} | {
  action: "exclude";
};

/** Signals about the quality of a response: recorded, never blocking. */
export interface IQualityFlags {
  duration_seconds: number;
  /** The same browser has submitted before. */
  repeat: boolean;
  /** Faster than the instrument's `min_seconds`. */
  speeder: boolean;
  /** Matrix questions answered with one identical value on every row (3 rows or more). */
  straight_lined: string[];
}

/** What the quality rules did to one instrument's records (of a unit, or in total). */
export interface IQualityResult {
  /** Records counted with a weight below 1. */
  down_weighted: number;
  /** Records left out (touched by a rule that excludes). */
  excluded: number;
  instrument: string;
  /** Records of the unit the rules looked at (before any was excluded). */
  records: number;
  /** One entry per rule: `speeder`, `straight_lining`, `repeat`. */
  rules: IQualityRuleResult[];
}

/**
 * One quality rule: its action and how many records it touched (records with its flag,
 * whatever the action; a record with two flags is touched by two rules).
 */
export interface IQualityRuleResult {
  /** `count`, `down_weight` or `exclude`. */
  action: string;
  rule: string;
  touched: number;
  weight?: number | null;
}

/** The `scoring.quality` section: one action per quality flag. */
export interface IQualityRules {
  /**
   * Instrument ids the rules apply to (survey or appraisal instruments); empty: every
   * survey (public) instrument of the plan.
   */
  instruments?: string[];
  /** The same browser submitted before (`quality.repeat`). */
  repeat?: IQualityAction;
  /** Faster than the instrument's `min_seconds` (`quality.speeder`). */
  speeder?: IQualityAction;
  /** A matrix answered with one value on every row (`quality.straight_lined` not empty). */
  straight_lining?: IQualityAction;
}

/**
 * One question of a form. In JSON the kind's fields sit beside the common ones, with
 * `"type"` naming the kind (see [`QuestionKind`]).
 */
export interface IQuestion {
  constraints?: IConstraint[];
  decimals?: number | null;
  /** matrix: every shown row must be answered when the question is required (default true). */
  each_row_required?: boolean | null;
  help?: IText | null;
  id: string;
  label: IText;
  /** text: a multi-line answer. */
  long?: boolean | null;
  max?: number | null;
  max_length?: number | null;
  max_select?: number | null;
  /** number. */
  min?: number | null;
  /** text. */
  min_length?: number | null;
  /** multiple. */
  min_select?: number | null;
  /** single, multiple, ranking. */
  options?: IChoice[] | null;
  /** text: the whole answer must match this pattern, e.g. `1[3-9]\\d{9}` (`kaoping_core::pattern`). */
  pattern?: string | null;
  /** text: the message shown when the pattern does not match. */
  pattern_message?: IText | null;
  /** 不满意须说明理由: a written reason when a rating is at or below a value. */
  reason?: IReasonRule | null;
  /** Show the question only when this expression is true (see `docs/expressions.md`). */
  relevant?: string | null;
  required?: boolean;
  /** matrix: the items (or units) rated on the scale. */
  rows?: IChoice[] | null;
  /** rating, matrix. */
  scale?: IScale | null;
  step?: number | null;
  /** single, multiple, rating, matrix, number, text, ranking or nps. */
  type: string;
  /** Offer "unable to judge" (无法评价); such answers are excluded from scores, not zero. */
  unable?: boolean;
}

/**
 * What one question's status is now: whether it is shown, whether its written reason is
 * required, and its issues (empty when it is hidden).
 */
export interface IQuestionStatus {
  issues: IAnswerIssue[];
  question: string;
  reason_required: boolean;
  shown: boolean;
}

/** Rounding of a quota `share × units in the category`. */
export type IQuotaRounding = "floor" | "ceil" | "round";

export interface IRankEntry {
  grade: string;
  rank?: number | null;
  score?: number | null;
  unit: string;
}

export interface IRaterGroup {
  id: string;
  name: IText;
  weight: number;
}

export interface IRatingSummary {
  mean: number;
  n: number;
  /** A period: a month `2026-03`, a quarter `2026-Q1` or a half-year `2026-H1`. */
  quarter: string;
  rater: ISiteCheckRater;
}

/** How the cells of a column are read. */
export type IReading = "values" | "labels" | "numbers" | "skips";

/** 不满意须说明理由: a reason is required when a rating is at or below `at_or_below`. */
export interface IReasonRule {
  at_or_below: number;
  label: IText;
  min_length?: number | null;
}

/**
 * What an unmatched value may be recoded to ([`Recodes`]): a value of the question and its
 * labels (in an option column `1`, chosen); `value` `""` is an empty answer (not chosen),
 * with no label: the page names it in its own language.
 */
export interface IRecodeChoice {
  label: string;
  value: string;
}

/** A header recognised as a survey tool's own column. */
export interface IRecognisedHeader {
  header: string;
  role: IToolRole;
  /** Whether its cells are read (only the time taken is; the others are dropped). */
  used: boolean;
}

export interface IRecordCounts {
  accepted: number;
  read: number;
  rejected: number;
}

/** A file's name and text, as the office page or the CLI reads it. */
export interface IRecordFile {
  name: string;
  text: string;
}

/**
 * What scoring a set of record files gives: the ingest report and the evaluation of the
 * accepted records.
 */
export interface IRecordsEvaluation {
  ingest: IIngestReport;
  result: IEvaluationResult;
}

/**
 * The register on a day: every notice in issue order with its status, and which were issued
 * by this run.
 */
export interface IRegister {
  /** Document numbers issued by this run. */
  issued_now: string[];
  /** Notices overdue on `today`. */
  overdue: number;
  rows: IRegisterRow[];
  /** The day the statuses are for, `YYYY-MM-DD`. */
  today: string;
}

/** A register that cannot be used, or a run that cannot issue. */
export interface IRegisterProblem {
  column?: string | null;
  message: IText;
  /** Row of the register file (the header is row 1); 0 for the file as a whole. */
  row: number;
}

/** A notice with its status on the register's day. */
export interface IRegisterRow {
  /** The day the unit's written reply came, `YYYY-MM-DD`. */
  answered?: string | null;
  /** The last day of the reply period, `YYYY-MM-DD`. */
  deadline: string;
  /** `YYYY-MM-DD`. */
  issued: string;
  /** Answered after the deadline. */
  late: boolean;
  level: ILevel;
  /** The document number (文号), unique in the register. */
  number: string;
  /** The tracking period the notice was issued for (`2026-09`). */
  period: string;
  /** The day the office found the matter rectified, `YYYY-MM-DD`. */
  rectified?: string | null;
  /** The unit's reply: its text, or the name of the file it came as. */
  reply?: string | null;
  status: INoticeStatus;
  /** The unit's id. */
  unit: string;
  /** The warnings the notice lists. */
  warnings: number;
  /** Working days left to the deadline (negative: past it), while not answered. */
  working_days_left?: number | null;
}

/** Why a record was not accepted. */
export interface IRejection {
  /**
   * Records: `json_syntax`, `not_a_record`, `another_plan`, `incompatible_version` (an
   * earlier version of the plan whose records of the instrument did not stay valid),
   * `checksum_mismatch`, `bad_respondent_id` (a control character in it),
   * `duplicate_response`, `unknown_instrument`, `unknown_unit`, `invalid_answer`.
   * CSV rows: `csv_syntax`, `encoding`, `another_plan`, `unknown_unit`, `required_missing`,
   * `invalid_answer`, `duplicate_response`.
   * Who may rate (`crate::trust`): `unsigned`, `bad_signature`, `bad_token`,
   * `revoked_key`, `token_mismatch`, `token_expired`, `outside_assignment`, `other_key`,
   * `invalid_trust`; `code_missing`, `code_unknown`, `code_reused`, and
   * `code_batch_invalid` (file = the batch, row 0).
   */
  code: string;
  /**
   * The field the problem is in, when there is one (a question id, `checksum`, the CSV
   * header, …).
   */
  column?: string | null;
  file: string;
  message: IText;
  row: number;
}

export interface IRejectionRow {
  code: string;
  column?: string | null;
  file: string;
  message: IText;
  row: number;
}

/** One submitted response. */
export interface IResponseRecord {
  /** The answers to the questions that were shown. */
  answers: Record<string, unknown>;
  /**
   * SHA-256 of the canonical JSON of this record without this field (and with
   * `signed.signature` blank).
   */
  checksum: string;
  /** The one-time code (normalised) of an instrument that needs one. Left out when absent. */
  code?: string | null;
  engine_version: string;
  format: string;
  /** Answers the respondent gave to questions that their later answers hid; kept, not lost. */
  hidden_answers?: Record<string, unknown>;
  instrument: string;
  lang: string;
  plan_id: string;
  /** SHA-256 of the canonical plan JSON the respondent answered. */
  plan_sha256: string;
  plan_version: string;
  /**
   * The questions of `answers` whose answer is the one the portal prefilled, unchanged by
   * the respondent (`docs/embed.md`). Left out when none, so other records (and their
   * checksums) are as before.
   */
  prefilled?: string[];
  quality: IQualityFlags;
  reasons: Record<string, string>;
  respondent_id: string;
  reviewer: boolean;
  /**
   * The rater's device signature and the office's invitation token, on a sheet of an
   * instrument that needs an invitation (see `docs/trust.md`). Left out when absent, so
   * unsigned records (and their checksums) are as before.
   */
  signed?: ISigned | null;
  /** RFC 3339 UTC times. */
  started_at: string;
  submitted_at: string;
}

export interface IResultEntry {
  format: string;
  /** SHA-256 of the canonical JSON of the result (= of `result.json`'s bytes). */
  sha256: string;
}

/** What an expert has entered so far on a review sheet. */
export interface IReviewAnswers {
  /** Comments keyed `"unit/indicator"`. */
  comments?: Record<string, string>;
  /**
   * The rater group (行业专家, 高校学者, 基层代表; site checks: expert, beneficiary,
   * builder), required when the sheet has groups.
   */
  group?: string | null;
  /** Site checks: the quarter checked (`2026-Q2`), required. */
  quarter?: string | null;
  /** Units the expert has a conflict of interest with (回避): they leave the sheet. */
  recused?: string[];
  /** The reviewer's staff or panel number (工号/编号); it becomes the record's `respondent_id`. */
  reviewer?: string;
  /**
   * Score per unit id and indicator id: a number on the scale or `"unable"`. Anything else
   * typed (e.g. `"8o"`) is kept as a string and reported.
   */
  scores?: Record<string, Record<string, unknown>>;
}

/** What came over to the new sheet, and what did not. */
export interface IReviewCarryOver {
  answers: IReviewAnswers;
  /**
   * What was entered but has no place on the new sheet, in sheet order of kinds: group,
   * quarter, recusals, then scores and comments by unit and indicator.
   */
  dropped: IReviewDropped[];
}

/** One entry of the earlier sheet that was not carried over. */
export interface IReviewDropped {
  /** What was entered, as text (a score, a group id, a comment's first characters). */
  entered: string;
  /** `"group"`, `"quarter"`, `"recused"`, `"score"` or `"comment"`. */
  field: string;
  indicator?: string | null;
  reason: IText;
  unit?: string | null;
}

/** One thing to fix before the sheet can be submitted. */
export interface IReviewIssue {
  code: string;
  /** `"reviewer"`, `"group"`, `"recused"` or `"score"` / `"comment"` of a cell. */
  field: string;
  indicator?: string | null;
  /** The message in the requested language; it names the unit and indicator. */
  message: string;
  unit?: string | null;
}

/**
 * An expert review sheet: each unit in `units` (or all units of `categories`) rated on
 * each indicator in `indicators` on `scale`.
 */
export interface IReviewSheet {
  /** Categories whose units are reviewed; empty means all. */
  categories?: string[];
  /** A comment is required for scores at or below this value. */
  comment_at_or_below?: number | null;
  /** Rater groups of the panel (行业专家, 高校学者, 基层代表) and their weights. */
  groups?: IRaterGroup[];
  indicators: string[];
  scale: IScale;
  /**
   * Offer "unable to judge" (无法评价) on every cell; such a cell counts as done.
   * Left out of the plan's JSON when false, so existing plans keep their fingerprint.
   */
  unable?: boolean;
}

/**
 * The cells of a review sheet that exist, before any recusal. For a site check, `categories`
 * are the units with projects on the sheet, their `units` the projects, and `indicators` the
 * check criteria.
 */
export interface IReviewSheetLayout {
  categories: ISheetCategory[];
  /** Number of unit × indicator cells. */
  cells: number;
  comment_at_or_below?: number | null;
  groups: IRaterGroup[];
  /** The sheet's indicators with their names, in sheet order. */
  indicators: ISheetIndicator[];
  instrument: string;
  intro?: IText | null;
  kind?: ISheetKind;
  /** Answering faster than this is recorded as a speeder. */
  min_seconds?: number | null;
  /** Site checks: the quarters of the plan's year, one of which is checked. */
  quarters?: string[];
  scale: IScale;
  title: IText;
  /** Whether "unable to judge" (无法评价) is allowed. */
  unable: boolean;
}

/** The state of a review sheet after evaluating the answers. */
export interface IReviewState {
  cells_done: number;
  /**
   * Cells still on the sheet (recused units removed) and cells done (valid score and,
   * when required, a comment).
   */
  cells_total: number;
  /** Cells (`"unit/indicator"`) whose comment is required now. */
  comments_required: string[];
  /** True when there is no issue: the sheet can be submitted. */
  complete: boolean;
  issues: IReviewIssue[];
  /** Per unit of the layout, in sheet order. */
  units: IUnitProgress[];
}

/** What the review page knows at submission. */
export interface IReviewSubmission {
  answers: IReviewAnswers;
  /** How many sheets this browser has already submitted for this plan and instrument. */
  earlier_submissions?: number;
  instrument: string;
  lang: string;
  /** Milliseconds since the Unix epoch (UTC) when the sheet was opened and submitted. */
  started_ms: number;
  submitted_ms: number;
}

/** Per-reviewer calibration figures. */
export interface IReviewerCalibration {
  /** Set when the scores were left unchanged. */
  flag?: ICalibrationFlag | null;
  /** Mean over the reviewer's units of (their score − that unit's panel mean). */
  leniency: number;
  /** Reviewer's own mean. */
  mean: number;
  /** Number of units rated. */
  n: number;
  /** Reviewer id. */
  reviewer: string;
  /** Reviewer's own sample SD (`None` with one rating). */
  sd?: number | null;
}

/** What the command or page gives for the whole roster. */
export interface IRosterOptions {
  /** The instrument of rows whose instrument cell is empty (or of a roster without that column). */
  instrument?: string | null;
  /** The first and last day (`YYYY-MM-DD`, China time) of rows whose cells are empty. */
  valid_from?: string | null;
  valid_until?: string | null;
}

/** One rater's invitation waiting for the office's signature. */
export interface IRosterPayload {
  draft: IInvitationDraft;
  /** The bytes the office key signs. */
  payload: number[];
  /** The roster's row. */
  row: number;
}

/** A roster read into payloads: all of them, or (when anything is wrong) none and every problem. */
export interface IRosterPayloads {
  payloads: IRosterPayload[];
  problems: IRosterProblem[];
}

/** One problem of a roster, where it is. */
export interface IRosterProblem {
  /** The cell: `C4`, or `名单!C4` in a workbook. */
  cell?: string | null;
  /**
   * `empty_rater`, `duplicate_rater`, `unknown_unit`, `unit_not_rated`,
   * `missing_instrument`, `unknown_instrument`, `not_rated_instrument`, `unknown_group`,
   * `bad_date`, `dates_reversed` or `csv_syntax`.
   */
  code: string;
  /** The column's header, as written. */
  column?: string | null;
  message: IText;
  /** The spreadsheet row. */
  row: number;
}

/** A unit's answers to the satisfaction question (the rules' `public.satisfaction_question`). */
export interface ISatisfactionAnswers {
  /** Every score given, highest first. */
  answers: IAnswerShare[];
  /** The question's id. */
  question: string;
  unit: string;
}

/** A numeric scale with labelled points, e.g. 1–5 满意度, 0–10, 0–100. */
export interface IScale {
  max: number;
  min: number;
  /** Labelled points; on a 1–5 scale usually every point, on 0–100 the anchors. */
  points: IScalePoint[];
  step?: number;
}

export interface IScalePoint {
  label: IText;
  /** The score on 0–100 that this answer counts for (e.g. 满意 → 100), when not linear. */
  score?: number | null;
  value: number;
}

/** Everything scored for one year. */
export interface IScoringInputs {
  /**
   * The people appraised (干部名单, `score::cadres`); absent: the cadre question's rows
   * are graded as roles.
   */
  cadres?: ICadreRoster | null;
  history?: IHistoryEntry[];
  indicators?: IIndicatorInput[];
  records?: IResponseRecord[];
}

/** The `scoring` section of a plan. */
export interface IScoringRules {
  /** Krippendorff's α (interval metric) below this flags low agreement of the panel. */
  alpha_threshold?: number;
  cadre?: ICadreRules;
  /** Confidence level of the intervals. */
  confidence?: number;
  /**
   * Cronbach's α of a unit's public satisfaction scale (the `public.items`) below this
   * flags low reliability of the scale (`low_reliability` and a warning). 0.7 is the
   * usual floor for a scale used to compare groups (Nunnally 1978).
   */
  cronbach_threshold?: number;
  expert?: IExpertRules;
  /**
   * Grades tried in order; the first whose conditions hold is given. A unit that meets
   * none, or has a veto, is `non_compliant` (不达标).
   */
  grades?: IGradeRule[];
  /**
   * Per category id: how the weights of (some of) its indicators are derived. A
   * category not listed uses the plan's direct weights (`plan.indicators[].weights`).
   */
  indicator_weights?: Record<string, IIndicatorWeights>;
  indicators?: IIndicatorRules;
  leadership?: ILeadershipRules;
  /** Indicators on each unit's positive and on its negative list (正、反向清单). */
  list_size?: number;
  /** A missing rater group, component or indicator: renormalise or incomplete. */
  missing?: IMissingPolicy;
  /** Decimals that composite scores are rounded to before ranking and grading. */
  precision?: number;
  public?: IPublicRules;
  /**
   * What happens to records with quality flags (speeders, straight-lining, repeats);
   * absent: they are counted like any record and nothing is reported.
   */
  quality?: IQualityRules | null;
  quota_rounding?: IQuotaRounding;
  team?: ITeamRules;
}

/** A page of questions. */
export interface ISection {
  description?: IText | null;
  id: string;
  questions: IQuestion[];
  /** Show the section only when this expression is true. */
  relevant?: string | null;
  title: IText;
}

/** One unit's figures on one data indicator. */
export interface ISeries {
  basis: IBasis;
  category: string;
  direction: IDirection;
  indicator: string;
  /** Periods from `start` to `through` without a figure (never filled in). */
  missing: string[];
  /** Periods from `start` to `through`. */
  points: IPoint[];
  /** First period counted (later than the year's first for 追加下达). */
  start: string;
  target?: number | null;
  /** `data` (the period files), `plan_unit` (`targets`), `plan` (`target`), or none. */
  target_source?: string | null;
  unit: string;
}

/** A category of units on the sheet, in plan order. */
export interface ISheetCategory {
  id: string;
  name: IText;
  units: ISheetUnit[];
}

/** An indicator as the sheet shows it. */
export interface ISheetIndicator {
  id: string;
  name: IText;
}

/** What a sheet's rows are. */
export type ISheetKind = "review" | "site_check";

/** A unit of the sheet with the indicators it is rated on, in sheet order. */
export interface ISheetUnit {
  category: string;
  id: string;
  indicators: string[];
  name: IText;
}

/** A sheet signed by the rater's device under an office invitation (`crate::trust`). */
export interface ISigned {
  /** The device's public key, `ed25519:` + base64url of its 32 bytes. */
  key: string;
  /**
   * The device's signature (base64url, 64 bytes) of `"kaoping.sheet/1\n"` + checksum; the
   * checksum is taken with this field blank.
   */
  signature: string;
  /** The invitation token text: payload and office signature, base64url. */
  token: string;
}

/** Who rates a project at the quarterly site check. */
export type ISiteCheckRater = "expert" | "beneficiary" | "builder";

/**
 * A site-check sheet: the expert review sheet's form with the plan's tracking projects as
 * rows and check criteria as columns, for one quarter and one rater group. It is filled in on
 * the review page (`review.html?instrument=ID`) and its sealed record (instrument `id`) is
 * read by tracking as the projects input, never by scoring.
 */
export interface ISiteCheckSheet {
  /** A comment is required for scores at or below this value. */
  comment_at_or_below?: number | null;
  /** The check criteria (the sheet's columns), e.g. 进度, 质量, 安全文明施工, 群众满意. */
  criteria: ICriterion[];
  /** Rater groups who fill the sheet in; empty: all three (expert, beneficiary, builder). */
  groups?: ISiteCheckRater[];
  /** The sheet's id: the `instrument` of its records (distinct from the plan's instruments). */
  id: string;
  intro?: IText | null;
  /** Answering faster than this is recorded as a speeder (not blocked). */
  min_seconds?: number | null;
  /** Project ids of `projects` on the sheet, in that order; empty: every project. */
  projects?: string[];
  /**
   * The score scale of every criterion; a project's rating is its mean criterion score
   * mapped linearly onto 0–100 (`min` → 0, `max` → 100).
   */
  scale: IScale;
  title: IText;
  /** Offer "unable to judge" (无法评价) on every cell; such a cell is left out of the mean. */
  unable?: boolean;
}

/** One thing of the source form that is not in the instrument, or not wholly. */
export interface ISkipped {
  /** Where it is: `survey row 12` (XLSForm) or a JSON path such as `/pages/0/elements/3`. */
  item: string;
  /** Why it is not imported. */
  reason: IText;
  /** What it is: a type, a column, a property, with its value. */
  what: string;
}

/**
 * Where a row came from: file name and 1-based row (CSV: the line, the header being line 1;
 * JSON: the position in the array).
 */
export interface ISource {
  file: string;
  row: number;
}

/** Whether a score could be computed. */
export type IStatus = "ok" | "insufficient" | "missing" | "incomplete" | "not_applicable";

/** What the page knows at submission; the engine turns it into a [`ResponseRecord`]. */
export interface ISubmission {
  answers: IAnswers;
  /** The one-time code as typed, for an instrument that takes one (else ignored). */
  code?: string | null;
  /** How many records this browser has already submitted for this plan and instrument. */
  earlier_submissions?: number;
  instrument: string;
  lang: string;
  /**
   * Answers the portal embedding the form gave before the respondent started, by question
   * id, as checked by [`check_prefill`]: the record names in `prefilled` those still unchanged.
   */
  prefill?: Record<string, unknown>;
  /** A random anonymous id made by the browser (public), or the reviewer's id. */
  respondent_id: string;
  reviewer?: boolean;
  /** Milliseconds since the Unix epoch (UTC) when the form was opened and submitted. */
  started_ms: number;
  submitted_ms: number;
}

/**
 * A signed sheet that a later one of the same (instrument, rater) replaced: both passed
 * every check, the later counts (a correction). Counted as accepted, not scored.
 */
export interface ISuperseded {
  /** Where the sheet that counts is, and when it was submitted. */
  counted_file: string;
  counted_row: number;
  counted_submitted_at: string;
  file: string;
  instrument: string;
  rater: string;
  row: number;
  submitted_at: string;
}

/** A table of an export: one CSV file, one XLSX sheet. */
export interface ITable {
  headers: string[];
  /** Stable id, also the CSV file name (`ranking` → `ranking.csv`). */
  id: string;
  rows: ICell[][];
  /** Title in the language asked for (also the XLSX sheet name, at most 31 characters). */
  title: string;
}

/**
 * The rows of a year-end table ([`crate::yearend`]): `used` gave an entry each, `blank` named
 * a unit with every value cell empty (a template row not filled in).
 */
export interface ITableRowCounts {
  blank: number;
  used: number;
}

/** One person on a talk list. */
export interface ITalkEntry {
  /** The role (row of the cadre question). */
  cadre: string;
  grade: string;
  name: string;
  post: string;
}

export interface ITeamResult {
  /** 诫勉谈话 with the head of a non-compliant team. */
  admonition_talk: boolean;
  /** `good`, `compliant`, `non_compliant` or `insufficient`. */
  grade: string;
  previous_grade?: string | null;
  /** 组织调整: non-compliant this year and last year. */
  reorganisation: boolean;
  score?: number | null;
}

/** The leadership team's grade and what follows from the history. */
export interface ITeamRules {
  /** Team appraisal score at least this: `good`; otherwise `compliant`. */
  good_at_least?: number;
  /** Team appraisal score below this: the team is `non_compliant`. */
  non_compliant_below?: number;
  /** A unit with a veto has a non-compliant team. */
  veto_makes_non_compliant?: boolean;
}

/** The two year-end templates. */
export type ITemplateKind = "figures" | "history";

/** A piece of text in several languages: `{"zh-CN": "满意", "en": "Satisfied"}`. */
export type IText = Record<string, string>;

/** What a survey tool's own column is. */
export type IToolRole = "duration" | "source" | "ip" | "started";

/** Counts per input file. */
export interface ITrackFileCount {
  accepted: number;
  file: string;
  /** Columns (or JSON keys) not used by tracking, read past. */
  ignored_columns: string[];
  kind: IInputKind;
  read: number;
  rejected: number;
}

/** Everything one tracking run reads (the office page's input). */
export interface ITrackFiles {
  events?: INamedFile[];
  /**
   * Issue notices dated this day (`YYYY-MM-DD`) to the units warned at `through` that
   * have none for it in the register.
   */
  issue?: string | null;
  /** Language of the exports: zh-CN (default) or en. */
  lang?: string | null;
  periods?: INamedFile[];
  projects?: INamedFile[];
  /**
   * The notice register kept so far (its text, as `register_csv` writes it), see
   * [`register`].
   */
  register?: INamedFile | null;
  /** The period analysed; default the latest with a figure. */
  through?: string | null;
  /**
   * The day the register's statuses are for (`YYYY-MM-DD`); default the issue day, else the
   * last day of `through`. The page passes today's date in China.
   */
  today?: string | null;
}

/**
 * A tracking run with its exports: the report, the warning list as CSV and a notice per
 * warned unit (plan order).
 */
export interface ITrackOutput {
  notices: INotice[];
  /** The notice register, when one was given or notices were issued. */
  register?: IRegister | null;
  /** That register as CSV (in `lang`), to keep for next month. */
  register_csv?: string | null;
  /** Why the register given was not read (then nothing was issued). */
  register_problems: IRegisterProblem[];
  report: ITrackReport;
  warnings_csv: string;
}

/** The analysis of the tracking year up to a period. */
export interface ITrackReport {
  accepted: number;
  /** Accepted period rows after `through` (when it is given): kept out of this analysis. */
  after_through: number;
  /** Who is behind time progress at `through`, furthest behind first. */
  behind: IBehind[];
  /** Constraint events, by unit (plan order) and date. */
  events: IEventEntry[];
  files: ITrackFileCount[];
  period_kind: IPeriodKind;
  periods: string[];
  plan_id: string;
  plan_sha256: string;
  projects: IProjectStatus[];
  /** Rows read, accepted, and every rejection (read = accepted + rejected). */
  read: number;
  rejected: IRejection[];
  /** Per tracked indicator and unit (plan order): the figures of each period. */
  series: ISeries[];
  /** The latest period analysed (warnings are as of its end). */
  through: string;
  /**
   * Accepted site-check records per plan version they answered; present only when the plan
   * has amendments (a record of an earlier version whose sheet stayed compatible counts).
   */
  versions: Record<string, number>;
  /** Units flagged by a veto event, for the year. */
  vetoed: string[];
  warnings: ITrackWarning[];
}

/** A warning: which rule fired, at which level, for whom, with the figures. */
export interface ITrackWarning {
  /** The numbers behind the warning, by name. */
  figures: Record<string, unknown>;
  indicator?: string | null;
  level: ILevel;
  message: IText;
  milestone?: string | null;
  /** A period: a month `2026-03`, a quarter `2026-Q1` or a half-year `2026-H1`. */
  period: string;
  project?: string | null;
  rule: string;
  unit: string;
}

/** A data indicator watched through the year. */
export interface ITrackedIndicator {
  basis?: IBasis;
  /** Higher or lower is better; default: the indicator's `direction`, else higher. */
  direction?: IDirection | null;
  /** The plan's indicator id (a data indicator). */
  indicator: string;
  /** Time progress of this indicator, when not the section's. */
  progress?: IProgress | null;
  /**
   * First period counted (追加下达: added during the year); default: the indicator's
   * `from_period`, else the first period of the year.
   */
  start?: string | null;
  /**
   * First period counted per unit id, for an indicator handed to some units during the
   * year (追加下达 to one unit); overrides `start` for that unit.
   */
  starts?: Record<string, string>;
  /**
   * Annual target of every unit that has the indicator, unless in `targets` or given in
   * the period files (`target` column).
   */
  target?: number | null;
  /** Annual target per unit id. */
  targets?: Record<string, number>;
}

/** The `tracking` section of a plan: how progress is watched through the year. */
export interface ITrackingRules {
  /** The data indicators watched, with their targets. */
  indicators?: ITrackedIndicator[];
  /**
   * The notice register (通知单台账): document numbers, the reply deadline in working days,
   * the holiday calendar (see `docs/tracking.md`, 通知单台账).
   */
  notices?: INoticeRules;
  /**
   * The name of the peer-city benchmark that period files may carry (`peer_city`),
   * e.g. 副省级城市平均.
   */
  peer_city?: IText | null;
  /** Month (default), quarter or half-year. */
  period?: IPeriodKind;
  /** Time progress: the share of the annual target expected by the end of each period. */
  progress?: IProgress;
  /** Major projects (项目类) with milestones and due dates. */
  projects?: IProject[];
  /**
   * Quarterly site-check sheets (现场查核评价表): the projects rated on check criteria by
   * experts, beneficiaries and builders, on the review page; their records are project
   * reports (see `docs/tracking.md`).
   */
  site_checks?: ISiteCheckSheet[];
  /** Warning rules (预警规则), each with its level. */
  warnings?: IWarningRule[];
}

/**
 * The plan's trust section as the office page offers to change it: its keys (to revoke) and
 * each instrument's access with the accesses the plan's checks allow it.
 */
export interface ITrustChoices {
  /** Every instrument of the plan, in the plan's order. */
  instruments: IAccessChoice[];
  /** The keys of `trust.keys`, in the plan's order. */
  keys: IOfficeKey[];
}

/** What to change in a plan's `trust` section. */
export interface ITrustEdit {
  /** New access by instrument id (`open` takes the instrument out of `trust.instruments`). */
  access?: Record<string, IAccess>;
  /**
   * An office key to put into `trust.keys`: its backup file (`kaoping.key/1`, the public
   * part is read; the secret is not needed) or its public key text `ed25519:…`.
   */
  key?: string | null;
  /** Ids of keys of `trust.keys` to revoke. */
  revoke?: string[];
  /**
   * The new version; by default the plan's version with its last number increased
   * (`1` → `2`, `2026.3` → `2026.4`; `.1` appended when it ends in no number).
   */
  version?: string | null;
}

/** Who may rate (see `docs/trust.md`). */
export interface ITrustRules {
  /**
   * How each instrument's raters are admitted, by instrument id; an instrument not listed
   * is `open`.
   */
  instruments?: Record<string, IAccess>;
  /**
   * The office's public keys: invitations and code batches signed by one of them (not
   * revoked) are accepted.
   */
  keys?: IOfficeKey[];
}

/** A responsible unit (责任单位). */
export interface IUnit {
  /** The id of its [`Category`]. */
  category: string;
  id: string;
  name: IText;
}

/** A unit's subtotals, one per orientation its category has indicators of. */
export interface IUnitOrientations {
  subtotals: IOrientationSubtotal[];
  unit: string;
}

/** How far one unit of the sheet is. */
export interface IUnitProgress {
  complete: boolean;
  done: number;
  recused: boolean;
  /** Cells of the unit (0 when recused) and cells without any issue. */
  total: number;
  unit: string;
}

export interface IUnitResult {
  cadres: ICadreResult[];
  category: string;
  /**
   * The expert panel's comments on the unit, without the reviewers' ids: by indicator in
   * the plan's order, then rater group, then text.
   */
  comments?: IExpertComment[];
  components: IComponentScores;
  composite?: number | null;
  composite_rounded?: number | null;
  grade: string;
  merit: boolean;
  negative: IListItem[];
  /** Consecutive non-compliant years up to this one (0 if compliant this year). */
  non_compliant_years_running: number;
  positive: IListItem[];
  /**
   * What the quality rules did to the unit's records, per instrument (only with a
   * `quality` section in the rules).
   */
  quality?: IQualityResult[];
  /** Rank within the category (ties share the rank: 1, 2, 2, 4). */
  rank?: number | null;
  /** 书面整改报告 (non-compliant units). */
  rectification_required: boolean;
  status: IStatus;
  /** The talk lists by name (only when a cadre roster was given). */
  talks?: ICadreTalks | null;
  team: ITeamResult;
  unit: string;
  vetoes: IVeto[];
}

/** A value of a column that matches no option of its question. */
export interface IUnmatchedValue {
  /** What the office may recode it to (`FileOptions::recode`). */
  choices: IRecodeChoice[];
  /** How many cells hold it. */
  count: number;
  header: string;
  key: string;
  /** What it could be (as in the rejection's message). */
  options: string[];
  value: string;
}

/** How many ratings had one value. */
export interface IValueCount {
  /**
   * For a public survey item: the answer given (the scale point whose score is `value`),
   * when exactly one point has that score.
   */
  answer?: number | null;
  count: number;
  /** That answer's label in the plan, when it has one. */
  label?: IText | null;
  value: number;
}

/** What [`verify`] found. */
export interface IVerification {
  differences: IDifference[];
  /** No difference at all. */
  identical: boolean;
  /** Whether output files were given and compared. */
  outputs_checked: boolean;
  /** The SHA-256 of the recomputed canonical result (absent when it could not be computed). */
  result_sha256?: string | null;
}

export interface IVeto {
  indicator: string;
  reason?: IText | null;
}

export interface IWarning {
  code: string;
  message: IText;
  subject?: string | null;
  unit?: string | null;
}

/**
 * A warning rule: when its condition holds for a unit (and indicator, project), a warning of
 * its level is given.
 */
export interface IWarningRule {
  id: string;
  /** Indicator ids the rule applies to; empty: all. */
  indicators?: string[];
  level: ILevel;
  when: ICondition;
}

export interface IWeightCell {
  cell: string;
  respondents: number;
  weight: number;
}

/**
 * The year's indicator figures made from tracking: what the aggregation reads (`indicators`,
 * with the `overrides` its manifest records), and per unit × indicator how it was made.
 * Written as JSON, `indicators` first, so that `kaoping aggregate` and the office page take
 * the file as indicator figures.
 */
export interface IYearEndFigures {
  /**
   * Every unit × indicator of the plan (plan order): the value derived, the value scored,
   * where it came from, or why tracking has none.
   */
  figures: IDerivedFigure[];
  format: string;
  /** How many unit × indicator pairs have no value (neither tracking nor an override). */
  gaps: number;
  /** The figures scored: every unit × indicator with a value, after the overrides. */
  indicators: IIndicatorInput[];
  /** The overrides made, with the values before and after and the reasons. */
  overrides: IIndicatorOverride[];
  plan_id: string;
  plan_sha256: string;
  /** The tracking year's last period, whose figures these are. */
  through: string;
}

/** The year-end figures, and the file to hand to the aggregation (its name and JSON text). */
export interface IYearEndOutput {
  figures: IYearEndFigures;
  json: string;
  name: string;
}

/**
 * What the office page gives for the year-end figures in one step: the tracking files (as
 * for a tracking run) and the overrides.
 */
export interface IYearEndRequest {
  files: ITrackFiles;
  overrides?: IOverrideRequest[];
}
