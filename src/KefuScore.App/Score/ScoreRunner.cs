using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Score;
using KefuScore.Engine.Text;

namespace KefuScore.App.Score;

/// <summary>What a pass over events produced for the experience score: daily indicator state per shop, and the bookkeeping.</summary>
public sealed class ScoreInput(IndicatorDays days)
{
    public IndicatorDays Days { get; } = days;
    public long Read { get; set; }
    public List<RejectedLine> Rejected { get; } = [];
}

/// <summary>
/// Reads events once for the score: chat events through the engine's fold (an hourly rollup, so drivers by agent
/// and by hour), order events (reviews, after-sales, shipments, complaints) through the <see cref="ExperienceLedger"/>.
/// The fold runs unbounded: a score window holds months of conversations at most, and the numbers stay exact for any input order.
/// </summary>
public static class ScoreRunner
{
    public static ScoreInput Run(CompiledProfile profile, IEnumerable<ReadItem> source, CancellationToken ct = default)
    {
        var model = ModelOf(profile);
        var fold = new MetricFold(profile, FoldOptions.Unbounded);
        var rollup = new Rollup(profile.Metrics.Count);
        var ledger = new ExperienceLedger(fold.Clock);
        var facts = new List<MetricFact>(256);
        var rejected = new List<RejectedLine>();
        foreach (var item in Batches.ReadAhead(source, ct))
        {
            if (item.Event is { } e) Apply(fold, ledger, e, facts, rollup);
            else if (item.Rejected is { } r) rejected.Add(r);
        }
        fold.Finish(facts);
        rollup.AddRange(facts);
        var days = ledger.Finish();
        days.AddMetrics(profile, model, rollup);
        var input = new ScoreInput(days) { Read = fold.Read };
        input.Rejected.AddRange(rejected);
        return input;
    }

    /// <summary>The same from events already parsed (stored events, tests).</summary>
    public static IndicatorDays Run(CompiledProfile profile, IEnumerable<ChatEvent> events)
    {
        var model = ModelOf(profile);
        var fold = new MetricFold(profile, FoldOptions.Unbounded);
        var rollup = new Rollup(profile.Metrics.Count);
        var ledger = new ExperienceLedger(fold.Clock);
        var facts = new List<MetricFact>(256);
        foreach (var e in events) Apply(fold, ledger, e, facts, rollup);
        fold.Finish(facts);
        rollup.AddRange(facts);
        var days = ledger.Finish();
        days.AddMetrics(profile, model, rollup);
        return days;
    }

    private static void Apply(MetricFold fold, ExperienceLedger ledger, ChatEvent e, List<MetricFact> facts, Rollup rollup)
    {
        fold.Apply(e, facts);
        ledger.Apply(e);
        if (facts.Count == 0) return;
        rollup.AddRange(facts);
        facts.Clear();
    }

    /// <summary>The profile's score model, or a clear error naming the profiles that have one.</summary>
    public static ScoreModel ModelOf(CompiledProfile profile) =>
        profile.Profile.Score ?? throw new ScoreException(new Msg(Codes.ScoreNoModel, profile.Id));
}

/// <summary>A score request that cannot be answered: no model, unknown version or industry, bad what-if.</summary>
public sealed class ScoreException : Exception
{
    public ScoreException() { }
    public ScoreException(string message) : base(message) { }
    public ScoreException(string message, Exception inner) : base(message, inner) { }
    public ScoreException(Msg text) : base(EnglishText.Render(text)) => Text = text;

    /// <summary>The error as a message for the reader's language, where it has one.</summary>
    public Msg? Text { get; }
}
