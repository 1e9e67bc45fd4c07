using KefuScore.App.Complaints;
using KefuScore.App.Quality;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;
using Microsoft.EntityFrameworkCore;
using KefuScore.Engine.Text;

namespace KefuScore.App.Review;

/// <summary>A sampled conversation with the findings in it that name its agent, and the verdicts given so far.</summary>
public sealed record ReviewItem(ReviewItemRow Row, IReadOnlyList<Finding> Findings, IReadOnlyList<ReviewVerdictRow> Verdicts);

/// <summary>
/// 人工复核: the manual-review sample of a shop's period, stored once drawn (drawing again returns the stored sample, so a
/// reviewer's list does not change under them), and the reviewer's verdicts: agree or disagree with a finding (or the
/// whole conversation, for a clean one), with a comment. Inspection uses the built-in rules over the stored events of
/// conversations whose first event falls in the period (local dates on the shop's calendar).
/// </summary>
public static class ReviewBook
{
    public static string Period(DateOnly from, DateOnly to) => $"{from:yyyy-MM-dd}..{to:yyyy-MM-dd}";

    public static async Task<IReadOnlyList<ReviewItem>> Draw(KefuDb db, string shop, DateOnly from, DateOnly to, int perAgent, double flaggedShare, int seed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (to < from) throw new ComplaintException("to", new Msg(Codes.RefusedToBeforeFrom));
        if (perAgent is < 1 or > 100) throw new ComplaintException("per_agent", new Msg(Codes.InputBetween, 1, 100));
        var period = Period(from, to);
        var (inspection, events) = await Inspect(db, shop, from, to, ct);
        if (!await db.Set<ReviewItemRow>().AnyAsync(r => r.Shop == shop && r.Period == period, ct))
        {
            var candidates = events.Where(e => e.IsHumanReply && e.Agent is not null && e.Conversation is not null)
                .Select(e => (e.Agent!, e.Conversation!)).Distinct()
                .Select(x => new ReviewCandidate(x.Item1, x.Item2, inspection.Findings.Count(f => f.Agent == x.Item1 && f.Conversation == x.Item2)));
            foreach (var p in ReviewSampler.Draw(candidates, perAgent, flaggedShare, seed))
                db.Add(new ReviewItemRow { Shop = shop, Period = period, Agent = p.Agent, Conversation = p.Conversation, Stratum = p.Stratum, Seed = seed });
            await db.SaveChangesAsync(ct);
        }
        return await Items(db, shop, period, inspection, ct);
    }

    public static async Task<ReviewItem> AddVerdict(KefuDb db, string shop, long item, string? rule, string? message, string verdict, string? comment, string reviewer, long atTicks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (verdict is not ("agree" or "disagree")) throw new ComplaintException("verdict", new Msg(Codes.InputNotEither, verdict, "agree", "disagree"));
        var row = await db.Set<ReviewItemRow>().SingleOrDefaultAsync(r => r.Shop == shop && r.Id == item, ct)
            ?? throw new ComplaintException("", new Msg(Codes.RefusedNoReviewItem, item, shop), notFound: true);
        var (from, to) = Dates(row.Period);
        var (inspection, _) = await Inspect(db, shop, from, to, ct);
        var findings = inspection.Findings.Where(f => f.Agent == row.Agent && f.Conversation == row.Conversation).ToList();
        if (rule is not null && !findings.Any(f => f.Rule == rule && (message is null || f.Message == message)))
            throw new ComplaintException("rule", message is null
                ? new Msg(Codes.RefusedNoFinding, row.Conversation, new Ref(RefKind.QualityRule, rule), row.Agent)
                : new Msg(Codes.RefusedNoFindingOn, row.Conversation, new Ref(RefKind.QualityRule, rule), message, row.Agent));
        db.Add(new ReviewVerdictRow { ItemId = item, Rule = rule, Message = message, Verdict = verdict, Comment = comment?.Trim(), Reviewer = reviewer, AtTicks = atTicks });
        await db.SaveChangesAsync(ct);
        return (await Items(db, shop, row.Period, inspection, ct)).Single(i => i.Row.Id == item);
    }

    private static (DateOnly, DateOnly) Dates(string period)
    {
        var parts = period.Split("..");
        return (DateOnly.ParseExact(parts[0], "yyyy-MM-dd"), DateOnly.ParseExact(parts[1], "yyyy-MM-dd"));
    }

    private static async Task<IReadOnlyList<ReviewItem>> Items(KefuDb db, string shop, string period, Inspection inspection, CancellationToken ct)
    {
        var rows = await db.Set<ReviewItemRow>().Where(r => r.Shop == shop && r.Period == period).OrderBy(r => r.Agent).ThenBy(r => r.Id).ToListAsync(ct);
        var ids = rows.Select(r => r.Id).ToList();
        var verdicts = (await db.Set<ReviewVerdictRow>().Where(v => ids.Contains(v.ItemId)).OrderBy(v => v.Id).ToListAsync(ct)).ToLookup(v => v.ItemId);
        return rows.Select(r => new ReviewItem(r, inspection.Findings.Where(f => f.Agent == r.Agent && f.Conversation == r.Conversation).ToList(), verdicts[r.Id].ToList())).ToList();
    }

    /// <summary>The shop's inspection (its own model, else the built-in one) of the conversations that begin in the period (the dashboard's findings pages use it too).</summary>
    public static async Task<(Inspection, List<ChatEvent>)> Inspect(KefuDb db, string shop, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var events = await EventsOf(db, shop, from, to, ct);
        return ((await Learning.ShopModels.InspectorFor(db, shop, ct)).Inspect(events), events);
    }

    /// <summary>The stored events of the conversations whose first event falls in the period (local dates on the shop's calendar).</summary>
    public static async Task<List<ChatEvent>> EventsOf(KefuDb db, string shop, DateOnly from, DateOnly to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var calendar = await ShopSettings.CalendarOf(db, shop, ct);
        var offsetFrom = calendar.Zone.GetUtcOffset(from.ToDateTime(TimeOnly.MinValue));
        var offsetTo = calendar.Zone.GetUtcOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue));
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), offsetFrom).UtcTicks;
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), offsetTo).UtcTicks;
        var conversations = db.Events.Where(e => e.Shop == shop && e.Conversation != "").GroupBy(e => e.Conversation)
            .Where(g => g.Min(e => e.AtTicks) >= start && g.Min(e => e.AtTicks) < end).Select(g => g.Key);
        return (await db.Events.Where(e => e.Shop == shop && conversations.Contains(e.Conversation)).ToListAsync(ct)).Select(e => e.ToEvent()).ToList();
    }
}
