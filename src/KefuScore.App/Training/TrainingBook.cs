using KefuScore.App.Complaints;
using KefuScore.App.Quality;
using KefuScore.App.Storage;
using KefuScore.Engine.Quality;
using KefuScore.Engine.Training;
using Microsoft.EntityFrameworkCore;
using KefuScore.Engine.Text;

namespace KefuScore.App.Training;

/// <summary>
/// 培训记录: an agent's courses in storage (planned or done), and suggestions for a period: the built-in inspection
/// rules over the shop's stored messages and the complaints naming each agent, through <see cref="TrainingAdvisor"/>,
/// less the courses done since the period began.
/// </summary>
public static class TrainingBook
{
    public static async Task<TrainingRecordRow> Add(KefuDb db, string shop, string agent, string course, string status, DateTimeOffset at, double? score, string? note, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var catalogue = TrainingLoader.BuiltIn();
        if (!catalogue.Courses.Any(c => c.Id == course))
            throw new ComplaintException("course", new Msg(Codes.InputNotOneOf, course, string.Join(", ", catalogue.Courses.Select(c => c.Id))));
        if (status is not ("planned" or "done")) throw new ComplaintException("status", new Msg(Codes.InputNotEither, status, "planned", "done"));
        if (score is < 0 or > 100) throw new ComplaintException("score", new Msg(Codes.InputBetween, 0, 100));
        if (string.IsNullOrWhiteSpace(agent)) throw new ComplaintException("agent", new Msg(Codes.InputRequired));
        var row = new TrainingRecordRow { Shop = shop, Agent = agent, Course = course, Status = status, AtTicks = at.UtcTicks, Score = score, Note = note?.Trim() };
        db.Add(row);
        await db.SaveChangesAsync(ct);
        return row;
    }

    public static async Task<IReadOnlyList<TrainingRecordRow>> Records(KefuDb db, string shop, string agent, CancellationToken ct = default) =>
        await db.Set<TrainingRecordRow>().Where(r => r.Shop == shop && r.Agent == agent).OrderBy(r => r.AtTicks).ThenBy(r => r.Id).ToListAsync(ct);

    /// <summary>Suggestions for every agent with findings or complaints among events in [fromTicks, toTicks).</summary>
    public static async Task<IReadOnlyList<Suggestion>> Suggestions(KefuDb db, string shop, long fromTicks, long toTicks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var events = (await db.Events.Where(e => e.Shop == shop && e.AtTicks >= fromTicks && e.AtTicks < toTicks).ToListAsync(ct)).Select(e => e.ToEvent()).ToList();
        var inspection = (await Learning.ShopModels.InspectorFor(db, shop, ct)).Inspect(events);
        await ComplaintBook.SyncFromEvents(db, shop, ct);   // complaint events become complaints when read (decisions.md §18)
        var complaints = await db.Set<ComplaintRow>().Where(c => c.Shop == shop && c.Agent != null && c.CreatedTicks >= fromTicks && c.CreatedTicks < toTicks)
            .Select(c => new { c.Agent, c.Category }).ToListAsync(ct);
        var done = await db.Set<TrainingRecordRow>().Where(r => r.Shop == shop && r.Status == "done" && r.AtTicks >= fromTicks)
            .Select(r => new { r.Agent, r.Course }).ToListAsync(ct);
        var catalogue = TrainingLoader.BuiltIn();
        var agents = inspection.Findings.Select(f => f.Agent).Concat(complaints.Select(c => c.Agent!)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return agents.SelectMany(agent => TrainingAdvisor.Suggest(catalogue, agent,
            inspection.Findings.Where(f => f.Agent == agent).GroupBy(f => f.Rule).ToDictionary(g => g.Key, g => g.Count()),
            complaints.Where(c => c.Agent == agent).GroupBy(c => c.Category).ToDictionary(g => g.Key, g => g.Count()),
            done.Where(d => d.Agent == agent).Select(d => d.Course).ToHashSet(StringComparer.Ordinal))).ToList();
    }
}
