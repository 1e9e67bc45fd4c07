using System.Globalization;
using KefuScore.Engine.Events;
using KefuScore.Engine.Live;
using KefuScore.Engine.Profiles;

namespace KefuScore.Engine.Tests.Live;

public sealed class LiveShopTests
{
    private static readonly AssessmentHours NineToSeven = new(TimeSpan.FromHours(9), TimeSpan.FromHours(19));

    /// <summary>The douyin rules that matter live: 3-minute rate by message (or round) in 09:00–19:00, consultations, satisfaction.</summary>
    private static CompiledProfile Profile(CountingUnit unit = CountingUnit.Message, bool assist = false) => CompiledProfile.Compile(new Profile
    {
        Id = "live-test",
        Names = new Dictionary<string, string> { ["en"] = "live test" },
        Metrics =
        [
            new MetricDefinition { Id = "consultations", Kind = MetricKind.Consultations },
            new MetricDefinition { Id = "reply_rate_3min", Kind = MetricKind.ReplyWithin, Unit = unit, WithinSeconds = 180, Hours = NineToSeven, AcceptAssist = assist },
            new MetricDefinition { Id = "satisfaction_rate", Kind = MetricKind.RatingShare, Levels = [Satisfaction.Satisfied] },
        ],
        Assessments = [new AssessmentRule { Id = "standard", FailWhen = [new Condition("reply_rate_3min", Comparison.Below, 0.97)] }],
    }, Run.Shanghai);

    private static DateTimeOffset At(string local) =>
        DateTimeOffset.ParseExact($"2026-11-20T{local}+08:00", ["yyyy-MM-ddTHH:mm:sszzz", "yyyy-MM-ddTHH:mm:ss.fffzzz"], CultureInfo.InvariantCulture);

    private static LiveShop Shop(CompiledProfile? profile = null, params AlertRule[] rules) =>
        new("s1", profile ?? Profile(), rules.Length == 0 ? null : new AlertRuleSet(rules));

    private static ChatEvent Status(string id, string time, string agent, string status, int capacity = 0) => new()
    {
        Type = EventType.AgentStatus, Id = id, Shop = "s1", At = At(time), Agent = agent, Status = status, Capacity = capacity,
    };

    private static void Feed(LiveShop shop, Chat chat)
    {
        foreach (var e in chat.Events) shop.Apply(e);
    }

    [Fact]
    public void A_conversation_waits_once_from_its_oldest_unanswered_message_and_counts_its_messages()
    {
        var shop = Shop();
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Customer("10:00:30", id: "m2"));

        var w = Assert.Single(shop.State(At("10:01:00")).Waiting);

        Assert.Equal(("m1", 60.0, 2, "u1"), (w.MessageId, w.Seconds, w.Messages, w.Customer));
        Assert.Equal(At("10:00:00"), w.CountedSince);
    }

    [Fact]
    public void Five_conversations_with_nine_waiting_messages_are_five_rows()
    {
        var shop = Shop();
        var perConversation = new[] { 3, 2, 2, 1, 1 };
        for (var c = 0; c < perConversation.Length; c++)
        {
            var chat = Chat.On("2026-11-20", conversation: $"c{c + 1}");
            for (var k = 0; k < perConversation[c]; k++) chat.Customer($"10:0{c}:{k * 10:00}", id: $"c{c + 1}-m{k + 1}");
            Feed(shop, chat);
        }

        var waiting = shop.State(At("10:10:00")).Waiting;

        Assert.Equal(["c1", "c2", "c3", "c4", "c5"], waiting.Select(w => w.Conversation));
        Assert.Equal([3, 2, 2, 1, 1], waiting.Select(w => w.Messages));
        Assert.Equal(9, waiting.Sum(w => w.Messages));
        Assert.Equal(["c1-m1", "c2-m1", "c3-m1", "c4-m1", "c5-m1"], waiting.Select(w => w.MessageId));
    }

    [Fact]
    public void A_wait_is_counted_from_the_first_message_inside_the_assessment_hours()
    {
        var shop = Shop();
        // 08:30 and 08:50 are outside 09:00–19:00; 09:05 counts. c2 writes only at 19:30: nothing of it counts.
        Feed(shop, Chat.On("2026-11-20").Customer("08:30:00", id: "m1").Customer("08:50:00", id: "m2").Customer("09:05:00", id: "m3"));
        Feed(shop, Chat.On("2026-11-20", conversation: "c2").Customer("19:30:00", id: "n1"));

        var early = shop.State(At("09:10:00")).Waiting.Single(w => w.Conversation == "c1");
        Assert.Equal((At("08:30:00"), 3, At("09:05:00"), false), (early.Since, early.Messages, early.CountedSince, early.OutsideHours));
        var late = shop.State(At("19:40:00")).Waiting.Single(w => w.Conversation == "c2");
        Assert.Null(late.CountedSince);
        Assert.True(late.OutsideHours);
    }

    [Fact]
    public void A_round_started_before_the_hours_does_not_count_though_a_follow_up_falls_inside()
    {
        var shop = Shop(Profile(CountingUnit.Round));
        Feed(shop, Chat.On("2026-11-20").Customer("08:55:00", id: "m1").Customer("09:05:00", id: "m2"));

        var w = Assert.Single(shop.State(At("09:10:00")).Waiting);
        Assert.Equal(2, w.Messages);
        Assert.Null(w.CountedSince);
    }

    [Fact]
    public void Three_waiting_messages_in_one_conversation_raise_one_waiting_alert()
    {
        var shop = Shop(rules: new AlertRule("waiting", AlertKind.Waiting, 120));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Customer("10:00:20", id: "m2").Customer("10:00:40", id: "m3"));

        var opened = Assert.Single(shop.Evaluate(At("10:05:00")));
        Assert.Equal(("c1", "m1"), (opened.Alert.Conversation, opened.Alert.Cause));
        Assert.Empty(shop.Evaluate(At("10:06:00")));
    }

    [Fact]
    public void A_round_waits_once_from_its_first_message()
    {
        var shop = Shop(Profile(CountingUnit.Round));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Customer("10:00:30", id: "m2"));

        var w = Assert.Single(shop.State(At("10:01:00")).Waiting);
        Assert.Equal("m1", w.MessageId);
        Assert.Equal(60.0, w.Seconds);
        Assert.Equal(2, w.Messages);
    }

    [Fact]
    public void Bots_auto_replies_and_welcomes_do_not_stop_the_clock_and_a_human_reply_does()
    {
        var shop = Shop();
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Welcome("10:00:01").Bot("10:00:05").AutoReply("10:00:10").Assist("10:00:20"));
        Assert.Equal(["m1"], shop.State(At("10:01:00")).Waiting.Select(w => w.MessageId));

        Feed(shop, Chat.On("2026-11-20").Agent("10:01:10", id: "reply"));
        Assert.Empty(shop.State(At("10:01:10")).Waiting);
        // Before the reply's instant the customer was still waiting: the state is a function of the instant asked.
        Assert.Single(shop.State(At("10:01:09")).Waiting);
    }

    [Fact]
    public void An_assist_mode_bot_stops_the_clock_where_the_profile_accepts_assist()
    {
        var shop = Shop(Profile(assist: true));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00").Assist("10:00:20"));
        Assert.Empty(shop.State(At("10:01:00")).Waiting);
    }

    [Fact]
    public void The_waiting_alert_fires_exactly_at_its_threshold_and_clears_when_the_reply_arrives()
    {
        var shop = Shop(rules: new AlertRule("waiting", AlertKind.Waiting, 120));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1"));

        Assert.Empty(shop.Evaluate(At("10:00:00")));
        Assert.Equal(At("10:02:00"), shop.NextDue(At("10:00:00")));
        Assert.Empty(shop.Evaluate(At("10:01:59.999")));

        var opened = Assert.Single(shop.Evaluate(At("10:02:00")));
        Assert.True(opened.Opened);
        Assert.Equal("waiting", opened.Alert.Rule);
        Assert.Equal("c1", opened.Alert.Conversation);
        Assert.Equal(At("10:00:00"), opened.Alert.Since);
        Assert.Empty(shop.Evaluate(At("10:02:10"))); // fires once

        Feed(shop, Chat.On("2026-11-20").Agent("10:02:30"));
        var cleared = Assert.Single(shop.Evaluate(At("10:02:30")));
        Assert.False(cleared.Opened);
        Assert.Empty(shop.OpenAlerts);
        Assert.Null(shop.NextDue(At("10:02:30")));
    }

    [Fact]
    public void A_message_that_arrives_already_past_the_threshold_raises_the_alert_at_once()
    {
        var shop = Shop(rules: new AlertRule("waiting", AlertKind.Waiting, 120));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1"));

        var opened = Assert.Single(shop.Evaluate(At("10:03:00")));
        Assert.True(opened.Opened);
        Assert.Equal(180.0, opened.Alert.Value);
    }

    [Fact]
    public void A_new_question_after_a_reply_is_a_new_cause_and_fires_again()
    {
        var shop = Shop(rules: new AlertRule("waiting", AlertKind.Waiting, 120));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Agent("10:02:30").Customer("10:05:00", id: "m3"));

        // Events up to 10:05 are known, but at 10:02 only m1 has waited 120 s (its reply comes at 10:02:30, m3 at 10:05).
        Assert.Equal("m1", Assert.Single(shop.Evaluate(At("10:02:00"))).Alert.Cause);
        // At 10:07 m1 is answered and m3 has waited 120 s: a new cause in the same conversation.
        var later = shop.Evaluate(At("10:07:00"));
        Assert.Contains(later, t => !t.Opened && t.Alert.Cause == "m1");
        Assert.Contains(later, t => t.Opened && t.Alert.Cause == "m3");
    }

    [Fact]
    public void Events_in_any_order_give_the_same_picture()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00").Customer("10:00:40").Agent("10:01:00").Customer("10:03:00");
        var inOrder = Shop();
        var reversed = Shop();
        Feed(inOrder, chat);
        foreach (var e in chat.Events.Reverse()) reversed.Apply(e);

        var a = inOrder.State(At("10:04:00"));
        var b = reversed.State(At("10:04:00"));
        Assert.Equal(a.Waiting, b.Waiting);
        Assert.Equal(a.TodayMetrics, b.TodayMetrics);
        Assert.False(inOrder.Apply(chat.Events[0])); // a duplicate id tells nothing new
    }

    [Fact]
    public void Agents_show_status_and_saturation_from_their_live_conversations()
    {
        var shop = Shop(rules: new AlertRule("saturation", AlertKind.Saturation, 0.6));
        shop.Apply(Status("st1", "09:00:00", "a1", "online", capacity: 3));
        Feed(shop, Chat.On("2026-11-20", conversation: "c1").Customer("10:00:00").Agent("10:00:30", "a1"));
        Feed(shop, Chat.On("2026-11-20", conversation: "c2").Customer("10:01:00").Agent("10:01:20", "a1"));
        Feed(shop, Chat.On("2026-11-20", conversation: "c3").Customer("10:02:00").Agent("10:02:10", "a1").Session("10:03:00", "closed"));

        var a1 = Assert.Single(shop.State(At("10:05:00")).Agents);
        Assert.Equal(("a1", "online", 2, 3), (a1.Agent, a1.Status, a1.Active, a1.Capacity));
        Assert.Equal(2 / 3.0, a1.Saturation, 12);
        var opened = Assert.Single(shop.Evaluate(At("10:05:00")));
        Assert.Equal("a1", opened.Alert.Agent);

        // 30 minutes after their last events the two conversations no longer load a1.
        Assert.Equal(0, shop.State(At("10:31:21")).Agents[0].Active);
        Assert.False(Assert.Single(shop.Evaluate(At("10:31:21"))).Opened);
    }

    [Fact]
    public void No_agent_online_fires_in_assessment_hours_while_customers_wait_and_clears_when_one_comes_online()
    {
        var shop = Shop(rules: new AlertRule("nobody", AlertKind.NoAgentOnline));
        shop.Apply(Status("st1", "09:00:00", "a1", "away", capacity: 3));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00"));

        var state = shop.State(At("10:00:05"));
        Assert.Equal(["c1"], state.HeadingForNotServed);
        var opened = Assert.Single(shop.Evaluate(At("10:00:05")));
        Assert.Equal(At("10:00:00"), opened.Alert.Since);

        shop.Apply(Status("st2", "10:00:20", "a1", "online"));
        Assert.False(Assert.Single(shop.Evaluate(At("10:00:20"))).Opened);
        Assert.Empty(shop.State(At("10:00:20")).HeadingForNotServed);
        Assert.Equal(3, shop.State(At("10:00:20")).Agents[0].Capacity); // capacity kept from the earlier status
    }

    [Fact]
    public void No_agent_online_stays_quiet_for_a_customer_outside_assessment_hours()
    {
        var shop = Shop(rules: new AlertRule("nobody", AlertKind.NoAgentOnline));
        shop.Apply(Status("st1", "19:00:00", "a1", "offline"));
        Feed(shop, Chat.On("2026-11-20").Customer("20:00:00"));
        Assert.Empty(shop.Evaluate(At("20:05:00")));
    }

    [Fact]
    public void Quiet_hours_hold_an_alert_back_until_they_end()
    {
        var profile = Profile();
        var shop = new LiveShop("s1", profile, new AlertRuleSet([new AlertRule("waiting", AlertKind.Waiting, 120)], new AssessmentHours(TimeSpan.FromHours(23), TimeSpan.FromHours(8))));
        Feed(shop, Chat.On("2026-11-20").Customer("23:30:00"));

        Assert.Empty(shop.Evaluate(At("23:32:00")));
        Assert.Equal(AlertState.Quiet, Assert.Single(shop.State(At("23:32:00")).Alerts).State);
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T08:00:00+08:00", CultureInfo.InvariantCulture), shop.NextDue(At("23:32:00")));

        var opened = Assert.Single(shop.Evaluate(DateTimeOffset.Parse("2026-11-21T08:00:00+08:00", CultureInfo.InvariantCulture)));
        Assert.True(opened.Opened);
        Assert.Equal(At("23:30:00"), opened.Alert.Since);
    }

    [Fact]
    public void A_dissatisfied_rating_and_a_complaint_open_alerts_that_clear_when_the_day_ends()
    {
        var shop = Shop(null, new AlertRule("dissatisfied", AlertKind.Dissatisfied), new AlertRule("complaint", AlertKind.Complaint));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:20").Rating("10:05:00", stars: 1, id: "r1"));
        shop.Apply(new ChatEvent { Type = EventType.Complaint, Id = "k1", Shop = "s1", At = At("11:00:00"), Order = "o1", Category = "slow_reply" });

        var opened = shop.Evaluate(At("11:00:00"));
        Assert.Equal(["r1", "k1"], opened.Select(t => t.Alert.Cause));
        Assert.Equal(DateTimeOffset.Parse("2026-11-21T00:00:00+08:00", CultureInfo.InvariantCulture), shop.NextDue(At("11:00:00")));
        Assert.All(shop.Evaluate(DateTimeOffset.Parse("2026-11-21T00:00:00+08:00", CultureInfo.InvariantCulture)), t => Assert.False(t.Opened));
        Assert.Empty(shop.OpenAlerts);
    }

    [Fact]
    public void A_later_satisfied_rating_clears_the_dissatisfied_alert()
    {
        var shop = Shop(null, new AlertRule("dissatisfied", AlertKind.Dissatisfied));
        Feed(shop, Chat.On("2026-11-20").Customer("10:00:00").Agent("10:00:20").Rating("10:05:00", stars: 2));
        Assert.Single(shop.Evaluate(At("10:05:00")));
        Feed(shop, Chat.On("2026-11-20").Rating("10:20:00", stars: 5, id: "r9"));
        Assert.False(Assert.Single(shop.Evaluate(At("10:20:00"))).Opened);
    }

    /// <summary>
    /// 14:00, half of 09:00–19:00 gone. 16 messages in 09:00–12:59 all answered within 3 minutes; 4 in the 13:00 hour, 2
    /// of them late: 18/20 = 90%. The last two local hours (13:00–14:59) ran at 2/4 = 50%; as many items again are to
    /// come (20 × 5 h / 5 h), so the day ends at (18 + 0.5 × 20) / (20 + 20) = 70%. To end at 97% the next
    /// ⌈(0.97 × 20 − 18) / 0.03⌉ = 47 replies must all be on time (65/67 = 97.01%, 64/66 = 96.97%).
    /// </summary>
    [Fact]
    public void Today_s_value_and_projection_follow_the_worked_example()
    {
        var shop = Shop();
        for (var i = 0; i < 16; i++)
            Feed(shop, Chat.On("2026-11-20", conversation: $"early{i}").Customer($"{9 + i / 4:00}:{i % 4 * 10:00}:00").Agent($"{9 + i / 4:00}:{i % 4 * 10:00}:50"));
        Feed(shop, Chat.On("2026-11-20", conversation: "h1").Customer("13:00:00").Agent("13:01:00"));
        Feed(shop, Chat.On("2026-11-20", conversation: "h2").Customer("13:10:00").Agent("13:13:00"));
        Feed(shop, Chat.On("2026-11-20", conversation: "h3").Customer("13:20:00").Agent("13:23:01"));
        Feed(shop, Chat.On("2026-11-20", conversation: "h4").Customer("13:30:00").Agent("13:40:00"));
        // Still inside its 3 minutes at 14:00: undecided, left out of the rate (but a consultation already).
        Feed(shop, Chat.On("2026-11-20", conversation: "pending").Customer("13:59:00"));

        var today = shop.State(At("14:00:00")).TodayMetrics.ToDictionary(m => m.Metric);
        var rate = today["reply_rate_3min"];
        Assert.Equal((18, 20), (rate.Numerator, rate.Denominator));
        Assert.Equal(0.9, rate.Value!.Value, 12);
        Assert.Equal(0.7, rate.Projected!.Value, 12);
        Assert.Equal(47, LiveShop.NeededOnTime(18, 20, 0.97));
        // 21 consultations in 14 of 24 hours: 21 × 24 / 14 = 36 by the day's end.
        Assert.Equal(21, today["consultations"].Value);
        Assert.Equal(36, today["consultations"].Projected!.Value, 9);
        Assert.Null(today["satisfaction_rate"].Value);

        // At 14:02:00.0000001 the pending message is past 180 s: it counts, as a miss.
        var later = shop.State(At("14:02:00.001")).TodayMetrics.Single(m => m.Metric == "reply_rate_3min");
        Assert.Equal((18, 21), (later.Numerator, later.Denominator));
    }

    [Fact]
    public void The_projection_alert_opens_under_its_line()
    {
        var shop = Shop(null, new AlertRule("proj", AlertKind.ProjectionBelow, 0.97, "reply_rate_3min"));
        Feed(shop, Chat.On("2026-11-20", conversation: "a").Customer("09:00:00").Agent("09:00:30"));
        Assert.Empty(shop.Evaluate(At("10:00:00")));
        Feed(shop, Chat.On("2026-11-20", conversation: "b").Customer("10:00:00").Agent("10:05:00"));
        var opened = Assert.Single(shop.Evaluate(At("10:05:00")));
        Assert.Equal("reply_rate_3min", opened.Alert.Metric);
        Assert.Equal(0.5, opened.Alert.Value!.Value, 12); // 1/2 so far, and the last two hours ran at 1/2
    }

    [Theory]
    [InlineData(18, 20, 0.97, 47L)]
    [InlineData(97, 100, 0.97, 0L)]
    [InlineData(0, 0, 0.97, 0L)]
    [InlineData(9, 10, 1.0, null)]
    [InlineData(1, 2, 0.75, 2L)] // 3/4 = 75%
    public void Needed_on_time(long n, long d, double line, long? expected) =>
        Assert.Equal(expected, LiveShop.NeededOnTime(n, d, line));

    [Fact]
    public void Default_rules_take_the_profile_s_pass_line_and_rule_sets_are_checked()
    {
        var profile = Profile();
        var defaults = AlertRuleSet.Defaults(profile);
        var projection = defaults.Rules.Single(r => r.Kind == AlertKind.ProjectionBelow);
        Assert.Equal(("reply_rate_3min", 0.97), (projection.Metric, projection.Threshold));
        Assert.Equal(120, defaults.Rules.Single(r => r.Kind == AlertKind.Waiting).Threshold);
        Assert.Empty(defaults.Validate(profile));

        var bad = new AlertRuleSet([new AlertRule("w", AlertKind.Waiting, 0), new AlertRule("w", AlertKind.ProjectionBelow, 0.9, "consultations")]);
        var errors = bad.Validate(profile);
        Assert.Contains(errors, e => e.Field == "rules[0].threshold");
        Assert.Contains(errors, e => e.Field == "rules[1].id");
        Assert.Contains(errors, e => e.Field == "rules[1].metric");
    }

    [Fact]
    public void Waits_follow_the_conversation_state_when_events_arrive_late_and_when_an_earlier_instant_is_asked()
    {
        var shop = Shop();
        var chat = Chat.On("2026-11-20").Customer("10:00:00", id: "m1").Agent("10:02:00", "a1", id: "r1").Customer("10:03:00", id: "m2");
        var (m1, r1, m2) = (chat.Events[0], chat.Events[1], chat.Events[2]);
        shop.Apply(m2);
        shop.Apply(r1);
        // m2 came before the reply that is filed ahead of it: the reply answers nothing yet, m2 waits since 10:03.
        Assert.Equal(("m2", 1), shop.State(At("10:04:00")).Waiting.Select(w => (w.MessageId, w.Messages)).Single());
        // m1 arrives behind everything the state has taken: the state starts again and m1 is answered by r1 at 10:02.
        shop.Apply(m1);
        Assert.Equal(("m2", 60.0), shop.State(At("10:04:00")).Waiting.Select(w => (w.MessageId, w.Seconds)).Single());
        // Asked about 10:01, before the reply: m1 waits, 60 s.
        Assert.Equal(("m1", 60.0), shop.State(At("10:01:00")).Waiting.Select(w => (w.MessageId, w.Seconds)).Single());
        // And forward again to 10:05: m2 waits, 120 s.
        Assert.Equal(("m2", 120.0), shop.State(At("10:05:00")).Waiting.Select(w => (w.MessageId, w.Seconds)).Single());
    }

    /// <summary>
    /// The projection alert on a festival day uses that day's line (issue 16): 18 of 20 messages answered within 180 s
    /// (90% so far and over the last two hours) is under the ordinary 97% on 2026-11-20 but meets the 90% line that the
    /// Spring Festival period sets on 2026-02-15; 17 of 20 (85%) is under it. The rule keeps its 97% threshold.
    /// </summary>
    [Theory]
    [InlineData("2026-11-20", 18, true)]
    [InlineData("2026-02-15", 18, false)]
    [InlineData("2026-02-15", 17, true)]
    public void The_projection_alert_compares_with_the_days_line_on_a_festival_day(string date, int onTime, bool alerts)
    {
        var festival = CompiledProfile.Compile(Profile().Profile with
        {
            SpecialPeriods =
            [
                new SpecialPeriod
                {
                    Id = "spring_festival_2026", From = new(2026, 2, 10), To = new(2026, 2, 24),
                    Overrides = new Dictionary<string, IReadOnlyList<Condition>> { ["standard"] = [new Condition("reply_rate_3min", Comparison.Below, 0.90)] },
                },
            ],
        }, Run.Shanghai);
        var rule = Assert.Single(AlertRuleSet.Defaults(festival).Rules, r => r.Kind == AlertKind.ProjectionBelow);
        Assert.Equal(0.97, rule.Threshold);
        var shop = new LiveShop("s1", festival, new AlertRuleSet([rule]));
        for (var i = 0; i < 20; i++)
        {
            // 20 customers at 10:00, 10:03, … 10:57; the first `onTime` answered after 30 s, the rest after 5 minutes.
            var at = TimeSpan.FromHours(10) + TimeSpan.FromMinutes(3 * i);
            var reply = at + TimeSpan.FromSeconds(i < onTime ? 30 : 300);
            Feed(shop, Chat.On(date, conversation: "c" + i, customer: "u" + i).Customer(at.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)).Agent(reply.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture)));
        }
        var now = DateTimeOffset.ParseExact($"{date}T11:05:00+08:00", "yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture);
        var opened = shop.Evaluate(now);
        Assert.Equal(alerts, opened.Any(o => o.Alert.Kind == AlertKind.ProjectionBelow));
        var projected = shop.State(now).TodayMetrics.Single(m => m.Metric == "reply_rate_3min").Projected;
        Assert.Equal(onTime / 20.0, projected!.Value, 12);
    }
}
