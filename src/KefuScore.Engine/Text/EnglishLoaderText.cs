using KefuScore.Engine.Events;

namespace KefuScore.Engine.Text;

public static partial class EnglishText
{
    /// <summary>The event reader's, the refusals' and the other loaders' codes, as they always read in English.</summary>
    private static string? RenderLoader(Msg m)
    {
        string A(int i) => Arg(m.Args[i]);
        string Q(int i) => EventParser.Quoted(A(i));
        return m.Code switch
        {
            Codes.EventTooLong => "is longer than 1,048,576 characters (limit: 1,048,576 characters per field)",
            Codes.EventRequiredFor => $"is required for {A(0) switch { "agent_status" => "agent_status", "review" => "a review", "message" => "a message", "aftersale" => "an aftersale event", var t => $"a {t} event" }}",
            Codes.EventNotOneOf => $"{Q(0)} is not one of {A(1)}",
            Codes.EventNotTime => $"{Q(0)} is not an ISO 8601 time with an offset or Z (e.g. 2026-11-20T10:00:00+08:00)",
            Codes.EventTimeRange => $"{Q(0)} is outside the range events may carry, 1970-01-01T00:00:00Z up to 2100-01-01T00:00:00Z",
            Codes.EventNotWhole => $"{Q(0)} is not a whole number",
            Codes.EventStarsRange => $"{A(0)} is outside 1–5",
            Codes.EventRatingNeeds => "a rating needs satisfaction or stars",
            Codes.EventComplaintNeeds => "a complaint needs a conversation or an order",
            Codes.EventCapacity => $"{Q(0)} is not a whole number ≥ 0",
            Codes.JsonNotObject => $"not a JSON object: the line holds {Token(A(0))}",
            Codes.JsonValueType => $"must be a string or a number, not {Token(A(0))}",
            Codes.JsonSyntax => $"not a JSON object: {A(0)} (byte {A(1)} of the line)",
            Codes.JsonUnreadable => $"not a JSON object: {A(0)}",
            Codes.JsonTooLong => $"not a JSON object: the line is longer than {A(0)} MiB",
            Codes.ParquetNaive => "Parquet timestamp without a time zone (isAdjustedToUTC = false); store UTC timestamps or text like 2026-11-20T10:00:00+08:00",
            Codes.XlsxNoOffset => "Excel date without a time zone offset; write the time as text like 2026-11-20T10:00:00+08:00",
            Codes.FileType => $"unknown file type '{A(0)}'; expected .jsonl, .ndjson, .csv, .xlsx or .parquet",
            Codes.FileNotFound => "file not found",
            Codes.FileNoFolder => "folder not found",
            Codes.FileDenied => "permission denied",
            Codes.FileFormat => $"cannot be read as {Format(A(0))}: {A(1)}",
            Codes.FileFormatNear => $"cannot be read as {Format(A(0))} near line {A(1)}: {A(2)}",
            Codes.FileRecordTooLong => $"a record near line {A(0)} is longer than 16 MiB (limit: 16 MiB per CSV record)",
            Codes.RefusedToBeforeFrom => "must not be before from",
            Codes.RefusedNoKnowledgeBase => $"shop '{A(0)}' has no FAQ knowledge base (PUT /api/v1/shops/{A(0)}/faq)",
            Codes.RefusedNoParaphrase => $"paraphrase {A(0)} of shop '{A(1)}' does not exist",
            Codes.RefusedFuture => $"{A(0)} is in the future",
            Codes.RefusedNoComplaint => $"complaint {A(0)} of shop '{A(1)}' does not exist",
            Codes.RefusedMove => $"a complaint cannot move from {A(0)} to {A(1)} (allowed: {A(2)})",
            Codes.RefusedEmptyNote => "a note needs some text",
            Codes.RefusedNoReviewItem => $"review item {A(0)} of shop '{A(1)}' does not exist",
            Codes.RefusedNoFinding => $"conversation {A(0)} has no {A(1)} finding for agent {A(2)}",
            Codes.RefusedNoFindingOn => $"conversation {A(0)} has no {A(1)} finding on message {A(2)} for agent {A(3)}",
            Codes.InputNotEither => $"'{A(0)}' is not {A(1)} or {A(2)}",
            Codes.InputBetween => $"must be from {A(0)} to {A(1)}",
            Codes.InputNumberRange => $"'{A(0)}' is not a number from 0 to {A(1)}",
            Codes.InputTwice => $"'{A(0)}' is used twice",
            Codes.InputNotNegative => "must not be negative",
            Codes.InputMustNumber => "must be a number",
            Codes.CalendarNotDay => "is not a day (mon, tue, wed, thu, fri, sat, sun)",
            Codes.CalendarWeekRequired => "is required: the weekly opening hours, e.g. { mon: [\"09:00-18:00\"] }",
            Codes.CalendarNotDates => $"'{A(0)}' is not a date like 2026-10-01 or a range like 2026-10-01..2026-10-07",
            Codes.CalendarKeyNotDates => "is not a date like 2026-11-20 or a range like 2026-10-01..2026-10-07",
            Codes.CalendarTwice => $"{A(0)} is listed twice",
            Codes.CalendarNotHours => $"'{A(0)}' is not hours like \"09:00-18:00\" or \"22:00-02:00\" (overnight)",
            Codes.PolicyLimits => "must be a mapping of category to { respond, resolve }",
            Codes.PolicyNotCategory => $"is not a complaint category ({A(0)})",
            Codes.PolicyLimit => "must be a mapping like { respond: 2h, resolve: 24h }",
            Codes.PolicyResolveShorter => "must not be shorter than respond",
            Codes.PolicyOtherRequired => "is required: the limits for complaints of any category not listed",
            Codes.PolicyNotStep => $"'{A(0)}' is not a duration like 0s, 30m, 2h or 1h30m",
            Codes.PolicyStepOrder => "must be longer than the step before",
            Codes.PolicyNotDuration => $"'{A(0)}' is not a positive duration like 30m, 2h or 1h30m",
            Codes.ShiftsRequired => "is required: a list of shift templates, each with id, length and starts",
            Codes.ShiftsEntry => "must be a mapping with id, length and starts",
            Codes.ShiftsNotStart => $"'{A(0)}' is not a time like 09:00 or a range like 08:00-12:00/30m",
            Codes.ShiftsNotLength => $"'{A(0)}' is not a duration like 8h, 30m or 7h30m",
            Codes.ShiftsNotAgents => $"'{A(0)}' is not a whole number of agents",
            Codes.ShiftsLength => "must be a positive multiple of 15 minutes, at most 24h",
            Codes.ShiftsBreak => "must be a multiple of 15 minutes shorter than the shift",
            Codes.ShiftsBreakWindow => "must be multiples of 15 minutes with break_after ≤ break_before",
            Codes.ShiftsBreakEnd => "the break must end within the shift",
            Codes.ShiftsNoStart => "at least one start time is required",
            Codes.ShiftsStart => $"{A(0)} is not on a quarter hour or the shift would run past 24:00",
            Codes.ShiftsMinAgents => "must be 0 or more",
            Codes.ShiftsMaxAgents => "must be at least min_agents",
            Codes.IncentivesGrades => "is required: a list of grades, best first",
            Codes.IncentivesGrade => "must be a mapping with id, name, when",
            Codes.IncentivesNotGrade => "is not a grade id",
            Codes.IncentivesBonus => "must be { figure, above, per_point }",
            Codes.IncentivesAmount => $"'{A(0)}' is not an amount",
            Codes.IncentivesThresholds => "must be a mapping of figure to a threshold like \">= 0.9\"",
            Codes.IncentivesThreshold => $"'{A(0)}' is not a threshold like \">= 0.9\" or \"<= 2\"",
            Codes.InspectionRules => "must be a list of rules",
            Codes.InspectionRule => "must be a mapping (id:, words:, …)",
            Codes.InspectionTwice => $"rule '{A(0)}' is configured twice",
            Codes.InspectionUnknown => $"'{A(0)}' is not a rule this version knows (known: {A(1)})",
            Codes.InspectionWeight => $"'{A(0)}' is not a number of points ≥ 0",
            Codes.InspectionWithin => $"'{A(0)}' is not a duration like 120s, 5m",
            Codes.InspectionPattern => $"'{A(0)}' is not a regular expression: {A(1)}",
            Codes.InspectionPatternLinear => $"'{A(0)}' needs backtracking (look-arounds and backreferences are not allowed; mark the match with a group (?<hit>…) instead): {A(1)}",
            Codes.InspectionNeedsWords => $"rule '{A(0)}' needs words or patterns",
            Codes.FaqOverflow => $"'{A(0)}' is not a whole number of customers (or off)",
            _ => null,
        };
    }

    private static string Format(string id) => id switch
    {
        "jsonl" => "JSON Lines", "csv" => "CSV", "xlsx" => "an Excel .xlsx workbook", "parquet" => "Parquet", _ => id,
    };

    private static string Token(string id) => id switch
    {
        "array" => "an array", "object" => "an object", "string" => "a string", "number" => "a number", "bool" => "true or false",
        "null" => "null", _ => "nothing",
    };
}
