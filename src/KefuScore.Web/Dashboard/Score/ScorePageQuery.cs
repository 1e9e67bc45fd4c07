using KefuScore.Engine.Text;
using KefuScore.App.Reconciliation;
using KefuScore.App.Score;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reconciliation;
using KefuScore.Engine.Reports;
using KefuScore.Engine.Score;

namespace KefuScore.Web.Dashboard.Score;

/// <summary>
/// What the 体验分 page asks of the stored events: the same calls as <c>GET /score</c> and <c>POST /reconcile</c>
/// (<see cref="StoredScores"/>, <see cref="ScoreQuery"/>, <see cref="PlatformFigures"/>, <see cref="Reconciler"/>),
/// so the page, the API and <c>kefu score</c> never disagree.
/// </summary>
public static class ScorePageQuery
{
    /// <summary>The profile a score uses and whether it is the fallback (the shop's own profile has no <c>score:</c> section).</summary>
    public static async Task<(CompiledProfile Profile, bool Fallback)?> Profile(KefuDb db, ShopContext shop, CancellationToken ct = default)
    {
        var compiled = await StoredScores.Profile(db, shop.Id, null, ct);
        return compiled is null ? null : (compiled, shop.Profile.Profile.Score is null);
    }

    /// <summary>The score over the version's window ending on <paramref name="to"/>, with the what-if items (<c>service=65</c>, <c>reply_rate_3min=0.95</c>) as <c>--what-if</c> reads them.</summary>
    public static async Task<ScoreResult> Score(KefuDb db, CompiledProfile profile, string shop, string? version, string? industry, DateOnly to,
        IEnumerable<string>? whatIf = null, CancellationToken ct = default)
    {
        var probe = new ScoreQuery(profile, new IndicatorDays());
        var v = probe.Version(version);
        var ind = probe.Industry(v, industry);
        var what = probe.ParseWhatIf(whatIf ?? []);
        var window = ScoreCalculator.Window(v, to);
        var query = await StoredScores.Query(db, profile, shop, window.From, window.To, ct);
        return query.Score(shop, v, ind, to, what);
    }

    /// <summary>Each indicator's denominator in the window ending on <paramref name="to"/>: how much data a what-if stands on.</summary>
    public static async Task<IReadOnlyDictionary<string, double>> Support(KefuDb db, CompiledProfile profile, string shop, string? version, DateOnly to, CancellationToken ct = default)
    {
        var v = new ScoreQuery(profile, new IndicatorDays()).Version(version);
        var window = ScoreCalculator.Window(v, to);
        var query = await StoredScores.Query(db, profile, shop, window.From, window.To, ct);
        return query.Support(shop, v, to);
    }

    /// <summary>The change between the window ending on <paramref name="against"/> and the one ending on <paramref name="to"/>, as <c>diagnose=1</c> computes it.</summary>
    public static async Task<Diagnosis> Diagnose(KefuDb db, CompiledProfile profile, string shop, string? version, string? industry,
        DateOnly against, DateOnly to, CancellationToken ct = default)
    {
        var probe = new ScoreQuery(profile, new IndicatorDays());
        var v = probe.Version(version);
        var ind = probe.Industry(v, industry);
        var start = ScoreCalculator.Window(v, to).From;
        var length = to.DayNumber - start.DayNumber;
        var from = against.AddDays(-length) < start ? against.AddDays(-length) : start;
        var query = await StoredScores.Query(db, profile, shop, from, against > to ? against : to, ct);
        return query.Diagnose(shop, v, ind, against, to);
    }

    /// <summary>The platform's daily figures (CSV <c>date,metric,value[,shop]</c>) beside ours; bad rows throw <see cref="PlatformFiguresException"/> naming the line.</summary>
    public static async Task<(IReadOnlyList<ReconciledFigure> Rows, IReadOnlyList<ReconciledMetric> Metrics)> Reconcile(KefuDb db, string shop, Stream csv, string name, CancellationToken ct = default)
    {
        var figures = PlatformFigures.Read(csv, name).Where(f => f.Shop is null || f.Shop == shop).ToList();
        var stored = await StoredReports.Build(db, shop, null, new ReportRequest(PeriodKind.Day), ct)
            ?? throw new PlatformFiguresException("", null, null, new Msg(Codes.FiguresShop, shop));
        var ours = PlatformFigures.Ours(stored.Profile, stored.Run, shop, figures, name);
        return Reconciler.Compare(figures, ours, ReconcileJson.Tolerance(stored.Profile, null));
    }
}
