using FsCheck.Xunit;
using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;
using KefuScore.Engine.Profiles;
using KefuScore.Tests;

namespace KefuScore.Engine.Tests.Metrics;

/// <summary>
/// A row's run-wide shop and agent numbers only spare the fold a lookup by name (§59): numbers that are right, absent
/// or wrong (shared by several agents, or by several shops) give the same facts in the same order.
/// </summary>
public sealed class RowNumberProperties
{
    private static readonly CompiledProfile Profile = TestProfiles.Incremental();

    [Property(MaxTest = 60)]
    public bool Wrong_or_missing_agent_and_shop_numbers_never_change_the_facts(int seed, bool streaming)
    {
        var events = RandomChats.Generate(seed);
        var options = streaming ? FoldOptions.Streaming : FoldOptions.Unbounded;
        var random = new Random(seed);
        var right = Fold(events, options, number => number);
        var none = Fold(events, options, _ => 0);
        var wrong = Fold(events, options, _ => random.Next(3));
        return right.Count > 0 && right.SequenceEqual(none) && right.SequenceEqual(wrong);
    }

    /// <summary>The events as rows with shop and agent instances interned as a reader does, numbered by <paramref name="number"/>.</summary>
    private static List<MetricFact> Fold(List<ChatEvent> events, FoldOptions options, Func<int, int> number)
    {
        static (string Instance, int Number) Intern(string name, Dictionary<string, (string, int)> table)
        {
            if (!table.TryGetValue(name, out var known)) table[name] = known = (new string(name.AsSpan()), table.Count);
            return known;
        }
        var shops = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        var agents = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        var chars = new char[64];
        var used = 0;
        var rows = new List<EventRow>();
        foreach (var e in events)
        {
            if (e.Type is not (EventType.Message or EventType.Rating or EventType.Session)) continue;
            var (shop, shopNumber) = Intern(e.Shop, shops);
            var row = EventRow.Of(e, number(shopNumber), ref chars, ref used);
            row.Shop = shop;
            if (e.Agent is not null)
            {
                var (agent, agentNumber) = Intern(e.Agent, agents);
                row.Agent = agent;
                row.AgentNumber = number(agentNumber);
            }
            rows.Add(row);
        }
        var fold = new MetricFold(Profile, options);
        var facts = new List<MetricFact>();
        foreach (var row in rows) fold.Apply(row, chars.AsSpan(0, used), facts);
        fold.Finish(facts);
        return facts;
    }
}
