using KefuScore.App.Profiles;
using KefuScore.App.Reading;
using KefuScore.App.Reports;
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
        var profile = ProfileCatalog.Compile(id);
        FoldRun run;
        if (id == row.Profile)
        {
            run = new FoldRun(await FromRollups(db, profile, id, shop, ct));
        }
        else
        {
            run = ReportRunner.Run(profile, () => db.Events.AsNoTracking().Where(e => e.Shop == shop).OrderBy(e => e.AtTicks)
                .AsEnumerable().Select(e => ReadItem.Of(e.ToEvent())), ct: ct);
        }
        run.Read = await db.Events.LongCountAsync(e => e.Shop == shop, ct);
        run.Duplicates = 0;
        var report = ReportBuilder.Build(profile, run.Rollup, request with { Shop = shop });
        return new StoredReport(profile, report, run);
    }

    /// <summary>The rollup of one shop under the profile its facts are kept in, from <c>rollups</c>.</summary>
    public static async Task<Rollup> FromRollups(KefuDb db, CompiledProfile profile, string profileId, string shop, CancellationToken ct = default)
    {
        var rows = await db.Rollups.AsNoTracking().Where(r => r.Profile == profileId && r.Shop == shop && r.Facts > 0).ToListAsync(ct);
        var rollup = new Rollup(profile.Metrics.Count);
        foreach (var r in rows)
        {
            // Facts of a metric the profile no longer has were written under an older definition: not summed.
            if (!profile.MetricIndex.TryGetValue(r.Metric, out var metric)) continue;
            var buckets = r.Buckets();
            var cell = new MetricCell
            {
                Numerator = r.Numerator, Denominator = r.Denominator, SumTicks = r.SumTicks, Count = r.Count,
                Buckets = buckets.Any(b => b != 0) ? buckets : null,
            };
            rollup.Add(new RollupKey(shop, r.Agent, r.Hour), metric, cell);
        }
        return rollup;
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
            if (!profile.MetricIndex.TryGetValue(r.Metric, out var metric)) continue;
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
