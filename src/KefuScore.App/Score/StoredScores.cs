using KefuScore.Engine.Text;
using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Score;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Score;

/// <summary>
/// Experience scores from the database: the shop's stored events inside the windows asked for are read and scored
/// exactly as <c>kefu score</c> scores a file. Used by the API and by the dashboard's score pages.
/// </summary>
public static class StoredScores
{
    /// <summary>
    /// The profile a score of this shop uses: the one asked for, else the shop's own when it has a score model,
    /// else <c>douyin-feige</c> (the built-in profile with one).
    /// </summary>
    public static async Task<CompiledProfile?> Profile(KefuDb db, string shop, string? profile, CancellationToken ct = default)
    {
        var own = await db.Shops.AsNoTracking().Where(s => s.Id == shop).Select(s => s.Profile).SingleOrDefaultAsync(ct);
        if (own is null) return null;
        if (profile is not null) return await StoredProfiles.Compile(db, profile, ct);
        var compiled = await StoredProfiles.Compile(db, own, ct);
        return compiled.Profile.Score is not null ? compiled : ProfileCatalog.Compile("douyin-feige");
    }

    private static readonly long LatestTicks = Engine.Events.Timestamp.LatestEvent.UtcTicks;
    private static readonly int EarliestDay = DateOnly.FromDateTime(Engine.Events.Timestamp.EarliestEvent.UtcDateTime).DayNumber - 1;
    private static readonly int LatestDay = DateOnly.FromDateTime(Engine.Events.Timestamp.LatestEvent.UtcDateTime).DayNumber + 1;

    /// <summary>A query over the shop's stored events of local dates [from, to] (read with a month before and two days after, so orders and conversations crossing the edges join; only the days inside are kept).</summary>
    public static async Task<ScoreQuery> Query(KefuDb db, CompiledProfile profile, string shop, DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        // A month before: orders paid then and delivered or completed inside the window join as they do in a file.
        // Dates are clamped to the instants events may carry, so a window near year 9999 has no day to overflow.
        var start = Math.Max(from.AddDays(-31).DayNumber, EarliestDay) * TimeSpan.TicksPerDay;
        var end = (Math.Min(to.DayNumber, LatestDay) + 2L) * TimeSpan.TicksPerDay;
        var events = await db.Events.AsNoTracking().Where(e => e.Shop == shop && e.AtTicks >= start && e.AtTicks < end).OrderBy(e => e.AtTicks).ToListAsync(ct);
        // Outside [from, to] only the margin's conversations were read: keep the days inside.
        return new ScoreQuery(profile, Trimmed(ScoreRunner.Run(profile, events.Select(e => e.ToEvent())), shop, from, to));
    }

    private static IndicatorDays Trimmed(IndicatorDays days, string shop, DateOnly from, DateOnly to)
    {
        var kept = new IndicatorDays();
        kept.Merge(days, (s, d) => s == shop && d >= from && d <= to);
        return kept;
    }

    /// <summary>The last local date holding any of the shop's events (the default end of a window).</summary>
    public static async Task<DateOnly?> LastDate(KefuDb db, CompiledProfile profile, string shop, CancellationToken ct = default)
    {
        // Events stored before the instant range was checked (Timestamp.InEventRange) do not move the window to year 9999.
        var last = await db.Events.AsNoTracking().Where(e => e.Shop == shop && e.AtTicks < LatestTicks).MaxAsync(e => (long?)e.AtTicks, ct);
        return last is { } t ? new Engine.Metrics.LocalClock(profile.Zone).LocalDate(t) : null;
    }

    /// <summary>The score at the end of each day from <paramref name="from"/> to <paramref name="to"/>: what a history chart draws.</summary>
    public static async Task<IReadOnlyList<ScoreResult>> History(KefuDb db, CompiledProfile profile, string shop, string? version, string? industry,
        DateOnly from, DateOnly to, CancellationToken ct = default)
    {
        var model = ScoreRunner.ModelOf(profile);
        var v = model.Version(version ?? model.DefaultVersion) ?? throw new ScoreException(new Msg(Codes.ScoreVersion, version ?? "", profile.Id, string.Join(", ", model.Versions.Select(x => x.Id))));
        var query = await Query(db, profile, shop, from.AddDays(1 - v.WindowDays), to, ct);
        return query.History(shop, v, query.Industry(v, industry), from, to);
    }
}
