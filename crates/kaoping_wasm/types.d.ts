/** Text in each language of the plan: { "zh-CN": "满意", "en": "Satisfied" }. */
export type IText = Record<string, string>;

/** The evaluation plan as written (see docs/plan.md and plans/demo.json): keys left out for their defaults stay out (`?`). */
export interface IPlan {
  id: string;
  version: string;
  year: number;
  title: IText;
  description?: IText | null;
  languages: string[];
  categories: { id: string; name: IText; components: { indicators: number; expert: number; public: number; leadership: number } }[];
  units: { id: string; name: IText; category: string }[];
  indicators: {
    id: string; name: IText; orientation: "goal" | "duty" | "problem"; kind: "data" | "project" | "constraint";
    weights: Record<string, number>; veto?: boolean; measure?: IText | null;
    direction?: "higher_is_better" | "lower_is_better" | null; from_period?: string | null;
  }[];
  instruments: IInstrument[];
  /** How progress is watched through the year (docs/tracking.md); read by the engine. */
  tracking?: {
    projects?: { id: string; unit: string; indicator: string; name: IText }[];
    /** Quarterly site-check sheets: tracking projects × criteria, filled in on review.html?instrument=ID. */
    site_checks?: ISiteCheckSheet[];
  } & Record<string, unknown>;
}

/** A site-check sheet of the plan's tracking section (docs/tracking.md). */
export interface ISiteCheckSheet {
  id: string; title: IText; intro?: IText | null; min_seconds?: number | null; scale: IScale;
  criteria: { id: string; name: IText }[];
  /** Project ids on the sheet; empty or left out: every project. */
  projects?: string[];
  /** Rater groups; empty or left out: all three. */
  groups?: ("expert" | "beneficiary" | "builder")[];
  comment_at_or_below?: number | null; unable?: boolean;
}

export interface IScale { min: number; max: number; step?: number /* 1 */; points: { value: number; label: IText; score?: number | null }[] }
export interface IChoice { value: string; label: IText }

export type IQuestion = {
  id: string; label: IText; help?: IText | null; required?: boolean; relevant?: string | null;
  constraints?: { expr: string; message: IText }[]; unable?: boolean;
  reason?: { at_or_below: number; label: IText; min_length?: number | null } | null;
} & (
  | { type: "single"; options: IChoice[] }
  | { type: "multiple"; options: IChoice[]; min_select?: number | null; max_select?: number | null }
  | { type: "rating"; scale: IScale }
  | { type: "matrix"; rows: IChoice[]; scale: IScale; each_row_required?: boolean /* true */ }
  | { type: "number"; min?: number | null; max?: number | null; step?: number | null; decimals?: number | null }
  | { type: "text"; min_length?: number | null; max_length?: number | null; long?: boolean; pattern?: string | null; pattern_message?: IText | null }
  | { type: "ranking"; options: IChoice[] }
  | { type: "nps" }
);

export interface IInstrument {
  id: string; kind: "survey" | "review" | "appraisal"; title: IText; intro?: IText | null;
  min_seconds?: number | null;
  sections?: { id: string; title: IText; description?: IText | null; relevant?: string | null; questions: IQuestion[] }[];
  review?: { scale: IScale; indicators: string[]; categories?: string[]; comment_at_or_below?: number | null;
             groups?: { id: string; name: IText; weight: number }[]; unable?: boolean } | null;
}

/** Answers so far: values per question id, written reasons per question id. */
export interface IAnswers { values: Record<string, unknown>; reasons?: Record<string, string> }

/** A draft carried over to another version of the plan: the answers that still fit, and each one that does not with why. */
export interface ICarryOver { answers: IAnswers; dropped: { question: string; reason: IText }[] }

export interface IAnswerIssue { question: string; row?: string | null; reason: boolean; code: string; message: string }

export interface IFormState {
  sections: string[]; questions: string[]; reasons_required: string[]; issues: IAnswerIssue[];
  answered: number; total: number; complete: boolean;
}

export interface ISubmission {
  instrument: string; respondent_id: string; reviewer?: boolean; started_ms: number; submitted_ms: number;
  lang: string; answers: IAnswers; earlier_submissions?: number;
}

export interface IResponseRecord {
  format: "kaoping.response/1"; plan_id: string; plan_version: string; plan_sha256: string; instrument: string;
  respondent_id: string; reviewer: boolean; started_at: string; submitted_at: string; lang: string;
  answers: Record<string, unknown>; reasons: Record<string, string>; hidden_answers?: Record<string, unknown>;
  quality: { duration_seconds: number; speeder: boolean; straight_lined: string[]; repeat: boolean };
  engine_version: string; checksum: string;
}

export interface IPlanProblem { path: string; line?: number | null; column?: number | null; code: string; message: IText }
export interface IPlanReport { ok: boolean; sha256?: string | null; problems: IPlanProblem[] }

/** Office build: inputs to scoring (records, indicator figures, history); see docs/scoring.md. */
export interface IScoringInputs {
  records: IResponseRecord[];
  indicators: ({ unit: string; indicator: string } & (
    | { actual: number; target: number; baseline?: number | null }
    | { milestones_done: number; milestones_total: number }
    | { passed: boolean; veto: boolean; reason?: IText | null }
  ))[];
  history: { unit: string; year: number; grade: string; team_grade?: string | null }[];
}

/** Office build: the evaluation result; every number carries its breakdown (docs/scoring.md). */
export interface IEvaluationResult {
  format: string; plan_id: string; plan_version: string; plan_sha256: string;
  units: Record<string, unknown>[];
  categories: Record<string, unknown>[]; agreement: Record<string, unknown>[]; calibration: Record<string, unknown>[];
  /** e.g. `low_agreement` (panel α below `alpha_threshold`), `low_reliability` (a unit's public
   *  scale has Cronbach's α below `cronbach_threshold`; its public component has `low_reliability: true`). */
  warnings: { code: string; unit?: string | null; subject?: string | null; message: IText }[];
  [key: string]: unknown;
}

/**
 * An expert's review sheet: units × indicators, units grouped by category (plan order). A site
 * check (`kind: "site_check"`): tracking projects (as `units`) grouped by their unit (as
 * `categories`) × check criteria (as `indicators`), the groups expert / beneficiary / builder,
 * and the quarters of the year, one of which is checked.
 */
export interface IReviewSheet {
  kind: "review" | "site_check";
  instrument: string; title: IText; intro?: IText | null; scale: IScale; unable: boolean;
  comment_at_or_below?: number | null; groups: { id: string; name: IText; weight: number }[];
  indicators: { id: string; name: IText }[];
  categories: { id: string; name: IText; units: { id: string; name: IText; category: string; indicators: string[] }[] }[];
  cells: number;
  /** Site checks: "2026-Q1" … "2026-Q4". */
  quarters?: string[];
  min_seconds?: number | null;
}

/**
 * What an expert has entered: scores per unit and indicator (number or "unable"), comments keyed
 * "unit/indicator"; site checks: per project and criterion, and the quarter checked.
 */
export interface IReviewAnswers {
  reviewer?: string; group?: string | null; quarter?: string | null; recused?: string[];
  scores?: Record<string, Record<string, number | string>>; comments?: Record<string, string>;
}

export interface IReviewIssue {
  field: "reviewer" | "group" | "quarter" | "recused" | "score" | "comment"; unit?: string | null; indicator?: string | null;
  code: string; message: string;
}

export interface IReviewState {
  cells_total: number; cells_done: number;
  units: { unit: string; recused: boolean; total: number; done: number; complete: boolean }[];
  comments_required: string[]; issues: IReviewIssue[]; complete: boolean;
}

/** What of a sheet begun under another version of the plan came over, and what did not. */
export interface IReviewCarryOver {
  answers: IReviewAnswers;
  dropped: { field: "group" | "quarter" | "recused" | "score" | "comment"; unit?: string | null; indicator?: string | null; entered: string; reason: IText }[];
}

export interface IReviewSubmission {
  instrument: string; started_ms: number; submitted_ms: number; lang: string; answers: IReviewAnswers;
  earlier_submissions?: number;
}

/** Office build: record files as read by the page. */
export type IRecordFiles = { name: string; text: string }[];

/** Office build: how one file of an ingest run is read (every key optional). `mapping` maps a
 * CSV header to a column key of the flat layout (`district`, `services.parking`,
 * `overall.reason`, `respondent_id`, …); "" ignores the header. */
export interface IFileOptions {
  format?: "auto" | "json" | "jsonl" | "csv";
  encoding?: "auto" | "utf-8" | "gb18030" | "utf-16le" | "utf-16be";
  instrument?: string | null;
  mapping?: Record<string, string>;
}

/** Office build: how a table's headers were mapped to the instrument's flat layout. */
export interface IMappingReport {
  instrument: string;
  headers: { header: string; key: string | null; by?: "key" | "label" | "mapping" }[];
  unmapped_headers: string[];
  /** Layout columns no header maps to; `required`: rows will be rejected without it. */
  missing: { key: string; required: boolean }[];
}

/** Office build: the counts of one file (tables: with the encoding used and the mapping). */
export interface IFileCount {
  file: string; read: number; accepted: number; rejected: number;
  encoding?: "utf-8" | "gb18030" | "utf-16le" | "utf-16be"; mapping?: IMappingReport;
}

/** Office build: running totals of an ingest run. */
export interface IIngestProgress { read: number; accepted: number; rejected: number }

/** Office build: every record or row accepted or rejected (read = accepted + rejected), and the
 * result. Codes: json_syntax, not_a_record, another_plan, checksum_mismatch, duplicate_response,
 * unknown_instrument, unknown_unit, invalid_answer (records); csv_syntax, encoding, another_plan,
 * unknown_unit, required_missing, invalid_answer, duplicate_response (CSV rows). */
export interface IRecordsEvaluation {
  ingest: {
    read: number; accepted: number;
    files: IFileCount[];
    rejected: { file: string; row: number; column?: string | null; code: string; message: IText }[];
  };
  result: IEvaluationResult;
}

/** Office build: a table of an export (one CSV file, one XLSX sheet); cells are text, numbers or null. */
export interface ITable { id: string; title: string; headers: string[]; rows: (string | number | null)[][] }

/** Office build: an ingest report as `evaluateRecords` and `buildManifest` return it. */
export interface IIngestReport {
  read?: number; accepted?: number;
  files: { file: string; read: number; accepted: number; rejected: number }[];
  rejected: { file: string; row: number; column?: string | null; code: string; message: IText }[];
}

/** Office build: a file's name and bytes (the page reads them; the core hashes them). */
export interface IFileBytes { name: string; bytes: Uint8Array }
/** Office build: what an input file of an aggregation holds. */
export type IInputRole = "records" | "scoring_inputs" | "indicators" | "history";
/** An input of an aggregation; `role` is detected when absent. */
export interface IInputFile extends IFileBytes { role?: IInputRole }

export interface IFileEntry {
  name: string; role?: IInputFile["role"]; size: number; sha256: string;
  records?: { read: number; accepted: number; rejected: number };
}

/** Office build: the audit manifest (docs/audit.md). */
export interface IManifest {
  format: "kaoping.manifest/1"; engine_version: string;
  plan: { file: IFileEntry; id: string; version: string; sha256: string };
  inputs: IFileEntry[];
  parameters: { lang: string };
  counts: { read: number; accepted: number; rejected: number; indicator_inputs: number; history_entries: number };
  result: { format: string; sha256: string };
  outputs: IFileEntry[];
}

/** Office build: `AggregateRun.progress()`: input bytes pushed, rows so far (all files). */
export interface IAggregateProgress { bytes: number; read: number; accepted: number; rejected: number }
/** Office build: what `buildManifest` and `AggregateRun.finish()` return: the files `kaoping aggregate` writes, and their parts. */
export interface IAggregation { manifest: IManifest; result: IEvaluationResult; ingest: IIngestReport; outputs: IFileBytes[] }

/** Office build: what `verifyManifest` found; each difference names its file, count or JSON Pointer. */
export interface IVerification {
  identical: boolean; result_sha256?: string | null; outputs_checked: boolean;
  differences: { code: string; subject: string; expected: string; found: string; message: IText }[];
}
/** Office build: `verifyGiven`: the verification of the files given, the plan and input files
 * the manifest names that were not given, and how many output files were compared. */
export interface IGivenVerification {
  verification: IVerification; missing: string[]; outputs: number;
}
/** Office build: tracking through the year (docs/tracking.md). Files are CSV or JSON text. */
export interface ITrackFiles {
  periods?: { name: string; text: string }[];
  /** Milestone and rating rows (CSV or JSON), and site-check records (JSON, arrays, JSON Lines). */
  projects?: { name: string; text: string }[];
  events?: { name: string; text: string }[];
  /** The period analysed, e.g. "2026-09"; default the latest with a figure. */
  through?: string | null;
  /** Language of the exports: "zh-CN" (default) or "en". */
  lang?: string | null;
}

export interface ITrackPoint {
  period: string; actual: number | null; value: number | null; progress: number;
  completion: number | null; gap: number | null; last_year: number | null;
  yoy_change: number | null; yoy_pct: number | null; peer_city: number | null; vs_peer_city: number | null;
  rank: number | null; peers: number; peer_mean: number | null;
}

export interface ITrackWarning {
  rule: string; level: "notice" | "warning"; unit: string; indicator?: string; project?: string;
  milestone?: string; period: string; figures: Record<string, unknown>; message: IText;
}

export interface ITrackReport {
  plan_id: string; plan_sha256: string; period_kind: "month" | "quarter"; through: string; periods: string[];
  /** Accepted period rows after `through` (kept out of this analysis). */
  after_through: number;
  read: number; accepted: number;
  files: { file: string; kind: "periods" | "projects" | "events"; read: number; accepted: number; rejected: number; ignored_columns?: string[] }[];
  rejected: { file: string; row: number; column?: string | null; code: string; message: IText }[];
  series: {
    unit: string; category: string; indicator: string; basis: "sum" | "year_to_date" | "level";
    direction: "higher_is_better" | "lower_is_better"; start: string; target: number | null;
    target_source: "data" | "plan_unit" | "plan" | null; points: ITrackPoint[]; missing: string[];
  }[];
  behind: { unit: string; indicator: string; completion: number; progress: number; gap: number; rank: number | null; peers: number }[];
  projects: {
    project: string; unit: string; indicator: string;
    milestones: { milestone: string; due: string; done_on: string | null; status: "done" | "done_late" | "overdue" | "open"; slip_days: number }[];
    done: number; total: number; completion: number; due_by_now: number; done_of_due: number;
    ratings: { quarter: string; rater: "expert" | "beneficiary" | "builder"; n: number; mean: number }[];
  }[];
  events: { unit: string; indicator: string; date: string; veto: boolean; evidence: string; description: string | null; source: { file: string; row: number } }[];
  vetoed: string[];
  warnings: ITrackWarning[];
}

export interface ITrackOutput {
  report: ITrackReport;
  /** UTF-8 with BOM, CRLF; formula-like cells neutralised with a leading '. */
  warnings_csv: string;
  /** One self-contained printable page per warned unit (plan order). */
  notices: { unit: string; level: "notice" | "warning"; html: string; body: string }[];
}

/** The demo's tracking files; `site_checks_jsonl` holds the quarterly site-check records (a project file). */
export interface IDemoPeriods { periods_csv: string; projects_json: string; site_checks_jsonl: string; events_json: string; through: string }
