using KefuScore.App.Complaints;
using KefuScore.App.Review;
using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;
using KefuScore.Engine.Text;

namespace KefuScore.App.Faq;

/// <summary>
/// 候选问法: a shop's mined FAQ wordings in storage (<c>faq_paraphrases</c>, issue 18 item 3). <see cref="Mine"/> reads
/// the conversations begun in a period with <see cref="ParaphraseMiner"/> and stores new candidates as
/// <c>pending</c>; a manager accepts or rejects each (<see cref="Decide"/>). Accepted wordings join their entry's
/// question in the shop's FAQ matching (<see cref="WithAccepted"/>, used by <see cref="FaqLibrary"/>); a wording
/// once stored is never proposed again for that entry, so a rejected one does not come back.
/// </summary>
public static class ParaphraseBook
{
    public const string Pending = "pending", Accepted = "accepted", Rejected = "rejected";

    /// <summary>Mines the period; returns how many candidates the chats held and how many of them were new.</summary>
    public static async Task<(int Found, int Added)> Mine(KefuDb db, string shop, DateOnly from, DateOnly to, long nowTicks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (to < from) throw new ComplaintException("to", new Msg(Codes.RefusedToBeforeFrom));
        var kb = await ShopSettings.Get(db, shop, ShopSettings.Faq, ct)
            ?? throw new ComplaintException("", new Msg(Codes.RefusedNoKnowledgeBase, shop), notFound: true);
        var entries = FaqCsv.Parse(kb, $"shop {shop} faq");
        var found = ParaphraseMiner.Mine(await ReviewBook.EventsOf(db, shop, from, to, ct), entries);
        var known = (await db.Set<FaqParaphraseRow>().Where(r => r.Shop == shop).Select(r => new { r.Entry, r.Text }).ToListAsync(ct))
            .Select(r => (r.Entry, r.Text)).ToHashSet();
        var added = 0;
        foreach (var c in found.Where(c => !known.Contains((c.Entry, c.Text))))
        {
            db.Add(new FaqParaphraseRow
            {
                Shop = shop, Entry = c.Entry, Text = c.Text, State = Pending, Similarity = c.Similarity, Conversation = c.Conversation,
                Message = c.Message, Reply = c.Reply, Agent = c.Agent, AtTicks = c.At.UtcTicks, FoundTicks = nowTicks,
            });
            added++;
        }
        await db.SaveChangesAsync(ct);
        return (found.Count, added);
    }

    /// <summary>The shop's candidates (all, or those in <paramref name="state"/>), oldest first.</summary>
    public static async Task<IReadOnlyList<FaqParaphraseRow>> List(KefuDb db, string shop, string? state = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (state is not (null or Pending or Accepted or Rejected)) throw new ComplaintException("state", new Msg(Codes.InputNotOneOf, state, "pending, accepted, rejected"));
        return await db.Set<FaqParaphraseRow>().AsNoTracking().Where(r => r.Shop == shop && (state == null || r.State == state))
            .OrderBy(r => r.AtTicks).ThenBy(r => r.Id).ToListAsync(ct);
    }

    /// <summary>Accepts or rejects a candidate (a decision may be changed later); <paramref name="by"/> is the signed-in user or key.</summary>
    public static async Task<FaqParaphraseRow> Decide(KefuDb db, string shop, long id, bool accept, string by, long nowTicks, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var row = await db.Set<FaqParaphraseRow>().SingleOrDefaultAsync(r => r.Shop == shop && r.Id == id, ct)
            ?? throw new ComplaintException("", new Msg(Codes.RefusedNoParaphrase, id, shop), notFound: true);
        row.State = accept ? Accepted : Rejected;
        row.DecidedBy = by;
        row.DecidedTicks = nowTicks;
        await db.SaveChangesAsync(ct);
        return row;
    }

    /// <summary>The shop's accepted wordings, in the order they were found (their ids are the version of the set).</summary>
    public static async Task<IReadOnlyList<FaqParaphraseRow>> AcceptedOf(KefuDb db, string shop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Set<FaqParaphraseRow>().AsNoTracking().Where(r => r.Shop == shop && r.State == Accepted).OrderBy(r => r.Id).ToListAsync(ct);
    }

    /// <summary>The entries with the accepted wordings added to their questions (a wording of an entry no longer in the file is unused).</summary>
    public static IReadOnlyList<FaqEntry> WithAccepted(IReadOnlyList<FaqEntry> entries, IReadOnlyList<FaqParaphraseRow> accepted)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(accepted);
        var byEntry = accepted.ToLookup(r => r.Entry, r => r.Text, StringComparer.Ordinal);
        return [.. entries.Select(e => byEntry.Contains(e.Question) ? e with { Paraphrases = [.. byEntry[e.Question]] } : e)];
    }
}
