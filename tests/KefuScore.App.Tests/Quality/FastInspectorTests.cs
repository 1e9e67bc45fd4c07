using System.Globalization;
using KefuScore.App.Quality;
using KefuScore.App.Tests.Quality.Reference;
using KefuScore.Engine.Events;
using KefuScore.Engine.Quality;

namespace KefuScore.App.Tests.Quality;

/// <summary>
/// Issue 18's fourth pass (decisions.md §50) made the inspector fast without changing a verdict: on generated chats
/// built from every labelled message (and scrambled copies of them), the inspector gives exactly the findings,
/// evidence and scores of the inspector as it was (<see cref="ReferenceInspector"/>), with the built-in rules and
/// model, with the word lists alone, and with rules that leave some out.
/// </summary>
public sealed class FastInspectorTests
{
    private static readonly string[] Texts = [.. Load("dev.jsonl").Concat(Load("heldout.jsonl")).SelectMany(m => m.Messages)];

    private static IEnumerable<LabelledMessage> Load(string file) =>
        LabelledMessages.Load(Path.Combine(InspectionEvaluationTests.Data, "inspection", file));

    /// <summary>
    /// Conversations of one to six agent messages after a customer's question, from the labelled texts and scrambled
    /// ones (characters shuffled, full-width letters, doubled spaces, cut short), with welcome messages, bots, a second
    /// agent, customers writing in between and gaps on both sides of the rules' windows.
    /// </summary>
    private static List<ChatEvent> Chats(int conversations, int seed)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.FromHours(8));
        var events = new List<ChatEvent>();
        string Text()
        {
            var t = Texts[random.Next(Texts.Length)];
            switch (random.Next(6))
            {
                case 0: return new string([.. t.OrderBy(_ => random.Next())]);
                case 1: return t.Replace('a', 'Ａ').Replace('1', '１').Replace(" ", "  ") + (random.Next(2) == 0 ? "　ＴＯＰ１" : " No.1");
                case 2: return t[..Math.Max(1, t.Length / 2)];
                case 3: return Texts[random.Next(Texts.Length)] + "，" + t;
                default: return t;
            }
        }
        for (var c = 0; c < conversations; c++)
        {
            var conversation = c.ToString(CultureInfo.InvariantCulture);
            var at = start.AddMinutes(c);
            var n = 0;
            ChatEvent Message(Sender sender, string? agent, string? text, MessageKind kind = MessageKind.Text) => new()
            {
                Type = EventType.Message, Id = $"m{c}-{n++}", Shop = c % 7 == 0 ? "s2" : "s1", Conversation = conversation, At = at,
                Customer = "u" + conversation, Sender = sender, Agent = agent, Text = text, Kind = kind,
            };
            events.Add(Message(Sender.Customer, null, "在吗？这个什么时候发货"));
            if (random.Next(4) == 0) events.Add(Message(Sender.Agent, "a0", "欢迎光临", MessageKind.Welcome));
            if (random.Next(6) == 0) events.Add(Message(Sender.Bot, null, "您好，有什么可以帮您"));
            var messages = 1 + random.Next(6);
            for (var m = 0; m < messages; m++)
            {
                at = at.AddSeconds(random.Next(5) switch { 0 => 60, 1 => 120, 2 => 121, 3 => 5, _ => 400 });
                var agent = "a" + (random.Next(5) == 0 ? 2 : 1).ToString(CultureInfo.InvariantCulture);
                events.Add(random.Next(8) == 0 ? Message(Sender.Customer, null, Text()) : Message(Sender.Agent, agent, Text()));
            }
        }
        return events;
    }

    private static object Said(Finding f) => (f.Shop, f.Conversation, f.Message, f.At, f.Agent, f.Rule, f.Reason.Code, string.Join("|", f.Reason.Args));

    private static void AssertSame(Inspection expected, Inspection actual)
    {
        Assert.Equal(expected.Findings.Select(Said), actual.Findings.Select(Said));
        Assert.Equal(expected.Agents.OrderBy(a => a.Key, StringComparer.Ordinal), actual.Agents.OrderBy(a => a.Key, StringComparer.Ordinal));
        Assert.Equal(expected.Conversations, actual.Conversations);
    }

    [Fact]
    public void The_built_in_rules_and_model_give_the_findings_they_gave_before()
    {
        var events = Chats(3000, 18);
        var expected = new ReferenceInspector(InspectionLoader.BuiltIn(), InspectionLoader.BuiltInModel()).Inspect(events, 1);
        var actual = InspectionLoader.BuiltInInspector().Inspect(events, 2);

        AssertSame(expected, actual);
        // The sample exercises every text rule, by the lists and by the model.
        foreach (var rule in new[] { RuleIds.NoPoliteAddress, RuleIds.AbsoluteClaim, RuleIds.Rude, RuleIds.Vague, RuleIds.Overpromise, RuleIds.LongSilence })
            Assert.Contains(actual.Findings, f => f.Rule == rule);
        Assert.Contains(actual.Findings, f => ModelEvidence.TryParse(f.Evidence) is not null);
    }

    /// <summary>The absolute-claim patterns with look-arounds, as shipped before decisions.md §58.</summary>
    private static readonly string[] LookAroundPatterns = [@"(?<![\d.])top\s*1(?!\d)", @"(?<![a-z])no\.\s*1(?!\d)"];

    /// <summary>Where a look-around decided: TOP1 and No.1 next to letters, digits and a point, and twice in a row.</summary>
    private static readonly string[] Edges = ["top1", "top 1", "TOP１０", "3top1", "1.top1", "xtop1", "top12", "no.1", "No. 1", "ano.1", "no.10", "销量no.1！", "1no.1", "top1top1", "no.1no.1"];

    [Fact]
    public void The_patterns_without_look_arounds_find_what_the_look_arounds_found()
    {
        var builtIn = InspectionLoader.BuiltIn();
        var before = builtIn with
        {
            Rules = [.. builtIn.Rules.Select(r => r.Id != RuleIds.AbsoluteClaim ? r
                : r with { Patterns = [.. r.Patterns.Where(p => !p.Contains("(?<hit>", StringComparison.Ordinal)), .. LookAroundPatterns] })],
        };
        Assert.Equal(builtIn.Find(RuleIds.AbsoluteClaim)!.Patterns.Count, before.Find(RuleIds.AbsoluteClaim)!.Patterns.Count);
        // Every labelled message as an agent's message, then the scrambled chats (TOP1 and No.1 appended to some).
        var start = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.FromHours(8));
        ChatEvent Agent(string id, string text) => new()
        {
            Type = EventType.Message, Id = id, Shop = "s", Conversation = id, At = start, Customer = "u", Sender = Sender.Agent, Agent = "a", Text = text,
        };
        var labelled = Texts.Select((t, i) => Agent("l" + i.ToString(CultureInfo.InvariantCulture), t));
        var edges = Edges
            .Select((t, i) => Agent("e" + i.ToString(CultureInfo.InvariantCulture), t));
        var events = labelled.Concat(edges).Concat(Chats(2000, 59)).ToList();

        var expected = new ReferenceInspector(before, InspectionLoader.BuiltInModel()).Inspect(events, 1);
        var actual = InspectionLoader.BuiltInInspector().Inspect(events, 2);

        AssertSame(expected, actual);
        Assert.Contains(actual.Findings, f => f.Rule == RuleIds.AbsoluteClaim && f.Evidence.Contains("no.1", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(actual.Findings, f => f.Rule == RuleIds.AbsoluteClaim && f.Evidence.Contains("top", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_word_lists_alone_give_the_findings_they_gave_before()
    {
        var events = Chats(1500, 7);
        AssertSame(new ReferenceInspector(InspectionLoader.BuiltIn()).Inspect(events, 1), new Inspector(InspectionLoader.BuiltIn()).Inspect(events, 1));
    }

    [Fact]
    public void Rules_left_out_or_disabled_are_left_out_as_before()
    {
        var builtIn = InspectionLoader.BuiltIn();
        var rules = builtIn with
        {
            Rules = [.. builtIn.Rules.Where(r => r.Id != RuleIds.Vague).Select(r => r.Id == RuleIds.Rude ? r with { Enabled = false } : r)],
        };
        var events = Chats(1000, 3);
        AssertSame(new ReferenceInspector(rules, InspectionLoader.BuiltInModel()).Inspect(events, 1), new Inspector(rules, InspectionLoader.BuiltInModel()).Inspect(events, 1));
    }
}
