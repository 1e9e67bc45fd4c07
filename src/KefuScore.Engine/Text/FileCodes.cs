namespace KefuScore.Engine.Text;

/// <summary>
/// Codes of errors in uploaded files other than YAML (the FAQ knowledge base and its questions, the platform's figures)
/// and of the score and staffing requests. The file, line and field travel beside the message.
/// </summary>
public static partial class Codes
{
    /// <summary>() a cell that must not be empty.</summary>
    public const string InputEmpty = "input.empty";
    /// <summary>(int cells, int header) a CSV row with another number of cells than the header.</summary>
    public const string CsvCells = "csv.cells";
    /// <summary>() a quoted CSV cell that is never closed.</summary>
    public const string CsvQuote = "csv.quote";
    /// <summary>(string detail) the text is not CSV (the reader's words).</summary>
    public const string CsvUnreadable = "csv.unreadable";

    /// <summary>() the knowledge base is empty.</summary>
    public const string FaqEmpty = "faq.empty";
    /// <summary>(string column) the knowledge base's header lacks a column.</summary>
    public const string FaqNoColumn = "faq.no_column";
    /// <summary>(string question, long line) a question already on an earlier line.</summary>
    public const string FaqTwice = "faq.twice";
    /// <summary>() no entries after the header.</summary>
    public const string FaqNoEntries = "faq.no_entries";
    /// <summary>() a questions file line that is not question, tab, FAQ question.</summary>
    public const string FaqQuestionsRow = "faq.questions_row";
    /// <summary>(string question) a questions file naming a question the knowledge base does not have.</summary>
    public const string FaqUnknownQuestion = "faq.unknown_question";

    /// <summary>() the platform's figures lack a required column.</summary>
    public const string FiguresHeader = "figures.header";
    /// <summary>(int limit) too many figures in one file.</summary>
    public const string FiguresTooMany = "figures.too_many";
    /// <summary>(string value) a figure that is neither a number nor a percentage.</summary>
    public const string FiguresValue = "figures.value";
    /// <summary>(string metric, string profile, string known) a figure for a metric the shop's rules do not have.</summary>
    public const string FiguresMetric = "figures.metric";
    /// <summary>(string shop) the platform's figures for a shop that is not known.</summary>
    public const string FiguresShop = "figures.shop";

    /// <summary>() nothing to score: the data holds no events.</summary>
    public const string ScoreNoEvents = "score.no_events";
    /// <summary>(string version, string profile, string versions) not a score version of the profile.</summary>
    public const string ScoreVersion = "score.version";
    /// <summary>(string industry, string version, string industries) an industry without weights in the version.</summary>
    public const string ScoreIndustry = "score.industry";
    /// <summary>(string shop) no data for the shop.</summary>
    public const string ScoreNoShopData = "score.no_shop_data";
    /// <summary>(string shops) several shops and none named.</summary>
    public const string ScoreSeveralShops = "score.several_shops";
    /// <summary>(string profile) a profile without a score section.</summary>
    public const string ScoreNoModel = "score.no_model";

    /// <summary>() a shrinkage outside 0 ≤ s &lt; 1.</summary>
    public const string PlanShrinkage = "plan.shrinkage";
    /// <summary>() a maximum occupancy outside 0 &lt; o ≤ 1.</summary>
    public const string PlanOccupancy = "plan.occupancy";
    /// <summary>() a concurrency below 1.</summary>
    public const string PlanConcurrency = "plan.concurrency";
    /// <summary>() an uplift that is not above 0.</summary>
    public const string PlanUplift = "plan.uplift";
    /// <summary>() a handle time that is not above 0.</summary>
    public const string PlanHandle = "plan.handle";
    /// <summary>(int conversations, int needed) too few answered conversations to measure the handle time.</summary>
    public const string PlanHandleHistory = "plan.handle_history";
    /// <summary>(string detail) shift templates that cannot cover the day together.</summary>
    public const string PlanShifts = "plan.shifts";
    /// <summary>(string detail) the roster solver gave no roster.</summary>
    public const string PlanSolver = "plan.solver";

    // A property, not a field: static fields of partial classes initialise in no defined order across files.
    private static string[] FileCodes =>
    [
        InputEmpty, CsvCells, CsvQuote, CsvUnreadable, FaqEmpty, FaqNoColumn, FaqTwice, FaqNoEntries, FaqQuestionsRow, FaqUnknownQuestion,
        FiguresHeader, FiguresTooMany, FiguresValue, FiguresMetric, FiguresShop,
        ScoreNoEvents, ScoreVersion, ScoreIndustry, ScoreNoShopData, ScoreSeveralShops, ScoreNoModel,
        PlanShrinkage, PlanOccupancy, PlanConcurrency, PlanUplift, PlanHandle, PlanHandleHistory, PlanShifts, PlanSolver,
    ];
}
