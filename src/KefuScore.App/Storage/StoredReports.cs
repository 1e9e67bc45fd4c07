using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Reports;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Storage;

/// <summary>A report read from storage, with the bookkeeping <see cref="ReportJson"/> prints.</summary>
public sealed record StoredReport(CompiledProfile Profile, Report Report, FoldRun Run);

/// <summary>
/// Reports and explanations from the database. Under the profile a shop's facts are kept in, the rollup is read from
/// <c>rollups</c> (the facts summed per agent, hour and metric, kept up to date by each write); under any other profile the shop's stored events are
/// folded on the fly (exact, slower). Either way the result equals <c>kefu report</c> over the same events.
/// </summary>
public static class StoredReports
{
    /// <summary>The report of one shop, or null when the shop is unknown.</summary>
    public static async Task<StoredReport?> Build(KefuDb db, string shop, string? profileId, ReportRequest request, CancellationToken ct = default)
    {
        var row = await db.Shops.AsNoTracking().SingleOrDefaultAsync(s => s.Id == shop, ct);
        if (row is null) return null;
        var id = profileId ?? row.Profile;
        var profile = await StoredProfiles.Compile(db, id, ct);
        FoldRun run;
        if (id == row.Profile)
        {
            run = new FoldRun(request.Agents
                ? await FromRollups(db, profile, id, shop, ct)
                : await DailyFromRollups(db, profile, id, shop, HourWindow(profile, request), ct));
        }
        else
        {
            run = ReportRunner.Run(profile, () => db.Events.AsNoTracking()
                .Where(e => e.Shop == shop && e.AtTicks >= EarliestTicks && e.AtTicks < LatestTicks).OrderBy(e => e.AtTicks)
                .AsEnumerable().Select(e => ReadItem.Of(e.ToEvent())), threads: 1, ct: ct, agents: request.Agents);
        }
        var outside = await db.Events.AsNoTracking().LongCountAsync(e => e.Shop == shop && (e.AtTicks < EarliestTicks || e.AtTicks >= LatestTicks), ct);
        if (outside > 0)
            run.Rejected.Add(new RejectedLine($"shop {shop} (stored)", 0, "at",
                $"{outside} stored event(s) outside the range events may carry, 1970-01-01T00:00:00Z up to 2100-01-01T00:00:00Z, are left out of this report; an admin removes them with DELETE /api/v1/shops/{shop}/events?from=2100-01-01T00:00:00Z"));
        run.Read = await db.ShopCounts.AsNoTracking().Where(c => c.Shop == shop).Select(c => c.Events).SingleOrDefaultAsync(ct);
        run.Duplicates = 0;
        var report = ReportBuilder.Build(profile, run.Rollup, request with { Shop = shop });
        return new StoredReport(profile, report, run);
    }

    // Events stored before the range check (Timestamp.InEventRange) existed are left out of reports and flagged: an
    // instant near year 9999 has no following day for a period to end on. Their facts' local hours lie outside
    // the hours any instant in range can fall in, with offsets up to ±14 h.
    private static readonly long EarliestTicks = Timestamp.EarliestEvent.UtcTicks, LatestTicks = Timestamp.LatestEvent.UtcTicks;
    private static readonly int EarliestHour = (int)((EarliestTicks - TimeSpan.TicksPerDay) / TimeSpan.TicksPerHour);
    private static readonly int LatestHour = (int)((LatestTicks + TimeSpan.TicksPerDay) / TimeSpan.TicksPerHour);

    /// <summary>Whether a fact's local hour can belong to an event in range (see <see cref="EarliestHour"/>).</summary>
    public static bool HourInRange(int hour) => hour >= EarliestHour && hour < LatestHour;

    /// <summary>The rollup of one shop under the profile its facts are kept in, from <c>rollups</c>.</summary>
    public static async Task<Rollup> FromRollups(KefuDb db, CompiledProfile profile, string profileId, string shop, CancellationToken ct = default)
    {
        var rows = await db.Rollups.AsNoTracking().Where(r => r.Profile == profileId && r.Shop == shop && r.Facts > 0).ToListAsync(ct);
        var rollup = new Rollup(profile.Metrics.Count);
        foreach (var r in rows)
        {
            // Facts of a metric the profile no longer has were written under an older definition: not summed.
            if (HourInRange(r.Hour) && profile.MetricIndex.TryGetValue(r.Metric, out var metric)) rollup.Add(new RollupKey(shop, r.Agent, r.Hour), metric, r.ToCell());
        }
        return rollup;
    }

    /// <summary>
    /// The shop's totals per day (what a report without agents needs), from <c>rollups_daily</c>: a month of a busy
    /// shop is a few hundred rows to read instead of tens of thousands.
    /// </summary>
    public static async Task<Rollup> DailyFromRollups(KefuDb db, CompiledProfile profile, string profileId, string shop, (int From, int To) hours, CancellationToken ct = default)
    {
        var (fromDay, toDay) = (hours.From == int.MinValue ? int.MinValue : hours.From / 24, hours.To == int.MaxValue ? int.MaxValue : hours.To / 24);
        var rows = await db.DailyRollups.AsNoTracking()
            .Where(r => r.Profile == profileId && r.Shop == shop && r.Facts > 0 && r.Day >= fromDay && r.Day < toDay)
            .ToListAsync(ct);
        var rollup = Rollup.Daily(profile.Metrics.Count);
        foreach (var r in rows)
        {
            if (HourInRange(r.Day * 24) && profile.MetricIndex.TryGetValue(r.Metric, out var metric)) rollup.Add(new RollupKey(shop, "", r.Day * 24), metric, r.ToCell());
        }
        return rollup;
    }

    /// <summary>
    /// The local hours a report needs: its periods whole, plus what consecutive-period rules and rolling windows look
    /// back on. No dates: everything.
    /// </summary>
    public static (int From, int To) HourWindow(CompiledProfile profile, ReportRequest request)
    {
        var lookback = 31; // the first period shown may start up to a month before --from
        foreach (var rule in profile.Versions.SelectMany(v => v.Assessments))
        {
            var length = rule.Period switch { PeriodKind.Week => 7, PeriodKind.Month => 31, PeriodKind.Rolling => rule.Days, _ => 1 };
            lookback = Math.Max(lookback, 31 + (length * rule.Consecutive) + (rule.Period == PeriodKind.Rolling ? rule.Consecutive : 0));
        }
        var from = request.From is { } f ? (f.DayNumber - lookback) * 24 : int.MinValue;
        var to = request.To is { } t ? (t.DayNumber + 32) * 24 : int.MaxValue; // periods overlapping --to are shown whole
        return (from, to);
    }

    /// <summary>The same rollup summed from the facts themselves: the audit of <c>rollups</c> (tests compare the two).</summary>
    public static async Task<Rollup> FromFacts(KefuDb db, CompiledProfile profile, string profileId, string shop, CancellationToken ct = default)
    {
        var rows = await db.Facts.AsNoTracking()
            .Where(f => f.Profile == profileId && f.Shop == shop)
            .GroupBy(f => new { f.Agent, f.Hour, f.Metric, f.Bucket })
            .Select(g => new
            {
                g.Key.Agent, g.Key.Hour, g.Key.Metric, g.Key.Bucket,
                Numerator = g.Sum(f => f.Numerator), Denominator = g.Sum(f => f.Denominator),
                SumTicks = g.Sum(f => f.SumTicks), Count = g.Sum(f => f.Count), Facts = g.LongCount(),
            })
            .ToListAsync(ct);
        var rollup = new Rollup(profile.Metrics.Count);
        foreach (var r in rows)
        {
            if (!HourInRange(r.Hour) || !profile.MetricIndex.TryGetValue(r.Metric, out var metric)) continue;
            var cell = new MetricCell { Numerator = r.Numerator, Denominator = r.Denominator, SumTicks = r.SumTicks, Count = r.Count };
            if (r.Bucket >= 0)
            {
                cell.Buckets = new long[ReplyBuckets.Count];
                cell.Buckets[r.Bucket] = r.Facts;
            }
            rollup.Add(new RollupKey(shop, r.Agent, r.Hour), metric, cell);
        }
        return rollup;
    }

    /// <summary>How one conversation of a shop was counted (<c>kefu explain</c>); empty when it is not stored.</summary>
    public static async Task<IReadOnlyList<Explanation>> Explain(KefuDb db, string shop, string conversation, CompiledProfile profile, string? metric, CancellationToken ct = default)
    {
        var events = await db.Events.AsNoTracking().Where(e => e.Shop == shop && e.Conversation == conversation).ToListAsync(ct);
        return Explainer.Explain(profile, events.Select(e => e.ToEvent()), conversation, metric);
    }
}
