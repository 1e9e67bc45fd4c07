using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>
/// The incremental fold keeps a short ASCII conversation id inside the conversation's slot and any other id (longer,
/// or with other characters) beside it (§89): which of the two an id takes never changes the facts.
/// </summary>
public sealed class ConversationIdProperties
{
    private static readonly CompiledProfile Profile = TestProfiles.Incremental();

    [Property(MaxTest = 60)]
    public bool Long_or_non_ascii_conversation_ids_give_the_facts_of_short_ones(int seed, bool streaming)
    {
        var events = RandomChats.Generate(seed);
        var options = streaming ? FoldOptions.Streaming : FoldOptions.Unbounded;
        var random = new Random(seed);
        // Each conversation renamed one way, kept apart by its own id at the end: around the inline limit (24
        // characters), far over it, or with characters outside ASCII.
        var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
        string Rename(string id)
        {
            if (renamed.TryGetValue(id, out var name)) return name;
            name = random.Next(4) switch
            {
                0 => id,
                1 => new string('x', Math.Max(0, 24 - id.Length + random.Next(-1, 2))) + id,
                2 => new string('y', 40) + id,
                _ => "会话-" + id,
            };
            renamed[id] = name;
            return name;
        }
        var mapped = events.Select(e => e.Conversation is null ? e : Copy(e, Rename(e.Conversation))).ToList();
        var plain = Facts(events, options);
        return plain.Count > 0 && renamed.Values.Any(n => n.Length > 24 || !System.Text.Ascii.IsValid(n)) && plain.SequenceEqual(Facts(mapped, options));
    }

    private static List<string> Facts(List<ChatEvent> events, FoldOptions options)
    {
        var fold = new MetricFold(Profile, options);
        var facts = new List<MetricFact>();
        foreach (var e in events) fold.Apply(e, facts);
        fold.Finish(facts);
        return facts.Select(f => f.ToString()).Order(StringComparer.Ordinal).ToList();
    }

    private static ChatEvent Copy(ChatEvent e, string conversation) => new()
    {
        Type = e.Type, Id = e.Id, Shop = e.Shop, At = e.At, Conversation = conversation, Customer = e.Customer, Sender = e.Sender,
        Agent = e.Agent, Kind = e.Kind, Text = e.Text, Stars = e.Stars, Satisfaction = e.Satisfaction, Reason = e.Reason,
        Order = e.Order, Media = e.Media, Category = e.Category, Action = e.Action, Status = e.Status, Capacity = e.Capacity,
    };
}
