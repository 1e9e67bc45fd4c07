using System.Text.Encodings.Web;
using System.Text.Json;
using KefuScore.App.Quality;
using KefuScore.App.Storage;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Review;

/// <summary>What the export of a shop's review verdicts holds: the labelled messages and the messages left out.</summary>
public sealed record ReviewLabelled(IReadOnlyList<LabelledMessage> Messages, int Skipped);

/// <summary>
/// 复核标注 (issue 18, item 5): the manual review's verdicts on findings as labelled messages in the format
/// <c>kefu inspect train --labels FILE</c> reads. A message with verdicts is labelled with the rules whose findings the
/// reviewer agreed with; a rule the reviewer disagreed with is left out (a negative for that rule). A message is left
/// out when one of its text-rule findings has no verdict (its labels would be incomplete); verdicts on
/// <c>long_silence</c> (not a text rule) and on whole conversations are not exported. The latest verdict on a finding
/// counts. A <c>no_polite_address</c> verdict makes the message a first reply with its turn and whether the exchange was
/// ongoing, as the inspector read them.
/// </summary>
public static class ReviewLabels
{
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Every verdict of the shop's review samples (all periods), labelled.</summary>
    public static async Task<ReviewLabelled> Of(KefuDb db, string shop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var verdicts = await (from v in db.Set<ReviewVerdictRow>()
                              join i in db.Set<ReviewItemRow>() on v.ItemId equals i.Id
                              where i.Shop == shop && v.Rule != null && v.Message != null
                              orderby v.Id
                              select new { i.Conversation, v.Message, v.Rule, v.Verdict }).ToListAsync(ct);
        var conversations = verdicts.Select(v => v.Conversation).Distinct().ToList();
        var events = (await db.Events.Where(e => e.Shop == shop && conversations.Contains(e.Conversation)).ToListAsync(ct)).Select(e => e.ToEvent()).ToList();
        return Label(await Learning.ShopModels.InspectorFor(db, shop, ct), events, verdicts.Select(v => new Verdict(v.Conversation, v.Message!, v.Rule!, v.Verdict == "agree")).ToList());
    }

    /// <summary>One verdict on the finding of <see cref="Rule"/> on a message.</summary>
    public sealed record Verdict(string Conversation, string Message, string Rule, bool Agree);

    /// <summary>Labels the messages that have verdicts (pure: the inspector, the conversations' events and the verdicts in the order given, the last one counting).</summary>
    public static ReviewLabelled Label(Inspector inspector, IReadOnlyList<ChatEvent> events, IReadOnlyList<Verdict> verdicts)
    {
        ArgumentNullException.ThrowIfNull(inspector);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(verdicts);
        var byConversation = events.Where(e => e.Conversation is not null).GroupBy(e => e.Conversation!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var labelled = new List<LabelledMessage>();
        var skipped = 0;
        foreach (var message in verdicts.Where(v => LabelledMessages.Rules.Contains(v.Rule)).GroupBy(v => (v.Conversation, v.Message)).OrderBy(g => g.Key.Conversation, StringComparer.Ordinal).ThenBy(g => g.Key.Message, StringComparer.Ordinal))
        {
            var (conversation, id) = message.Key;
            var said = byConversation.GetValueOrDefault(conversation)?.FirstOrDefault(e => e.Id == id && e.IsHumanReply && !string.IsNullOrWhiteSpace(e.Text));
            if (said is null) { skipped++; continue; }
            var rules = message.GroupBy(v => v.Rule, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last().Agree, StringComparer.Ordinal);
            var flagged = inspector.InspectConversation(byConversation[conversation]).Where(f => f.Message == id && LabelledMessages.Rules.Contains(f.Rule)).Select(f => f.Rule);
            if (flagged.Any(r => !rules.ContainsKey(r))) { skipped++; continue; }
            var first = rules.ContainsKey(RuleIds.NoPoliteAddress) ? inspector.FirstTurnOf(byConversation[conversation], id) : null;
            labelled.Add(new LabelledMessage(0, $"review-{conversation}-{id}", said.Text!, rules.Where(r => r.Value).Select(r => r.Key).ToHashSet(StringComparer.Ordinal),
                first is { } t ? t.Turn.Skip(1).ToList() : [], first is not null, first is { Ongoing: true }, Group: conversation));
        }
        return new ReviewLabelled(labelled, skipped);
    }

    /// <summary>The labelled messages as JSON Lines, after a <c>#</c> comment line saying what was left out (the reader skips it).</summary>
    public static string Write(ReviewLabelled labelled, string shop)
    {
        ArgumentNullException.ThrowIfNull(labelled);
        var b = new System.Text.StringBuilder();
        b.Append("# review verdicts of shop ").Append(shop).Append(": ").Append(labelled.Messages.Count).Append(" messages; ")
            .Append(labelled.Skipped).Append(" left out (a finding on the message without a verdict)\n");
        foreach (var m in labelled.Messages)
        {
            var o = new Dictionary<string, object?> { ["id"] = m.Id, ["text"] = m.Text, ["labels"] = LabelledMessages.Rules.Where(m.Labels.Contains).ToList() };
            if (m.FirstReply)
            {
                o["first_reply"] = true;
                o["ongoing"] = m.Ongoing;
                if (m.Turn.Count > 0) o["turn"] = m.Turn;
            }
            o["group"] = m.Group;
            b.Append(JsonSerializer.Serialize(o, Json)).Append('\n');
        }
        return b.ToString();
    }
}
