using System.Globalization;
using KefuScore.App.Faq;
using KefuScore.App.Tests.Profiles;
using KefuScore.Engine.Calendars;
using KefuScore.Engine.Events;

namespace KefuScore.App.Tests.Faq;

public sealed class FaqTests
{
    private const string Kb = """
        question,answer,keywords
        下单后多久发货,亲，现货商品付款后48小时内发货。,发货时间 多久发货
        运费怎么算,亲，全店满99元包邮。,运费 邮费 包邮
        可以开发票吗,"亲，可以开电子普通发票，
        确认收货后在订单页申请。",发票 开票
        """;

    private static DateTimeOffset T(string s) => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void A_knowledge_base_reads_quoted_answers_over_several_lines_and_keywords_with_any_separator()
    {
        var entries = FaqCsv.Parse(Kb.Replace("运费 邮费 包邮", "运费、邮费，包邮", StringComparison.Ordinal), "kb.csv");

        Assert.Equal(3, entries.Count);
        Assert.Equal(["运费", "邮费", "包邮"], entries[1].Keywords);
        Assert.Equal("亲，可以开电子普通发票，\n确认收货后在订单页申请。", entries[2].Answer);
        Assert.Equal(4, entries[2].Line);
    }

    [Fact]
    public void A_bad_knowledge_base_names_each_line_and_field_and_is_refused_whole()
    {
        const string bad = "question,answer,keywords\n下单后多久发货,,发货\n运费怎么算,满99包邮\n下单后多久发货,48小时,发货\n,答案,x\n";

        var e = Assert.Throws<FaqException>(() => FaqCsv.Parse(bad, "kb.csv"));

        Assert.Equal(
            [
                "line 2, answer: is empty",
                "line 3, row: has 2 cells, the header has 3",
                "line 4, question: '下单后多久发货' is already on line 2",
                "line 5, question: is empty",
            ],
            e.Problems.Select(p => p.ToString()));
        Assert.StartsWith("kb.csv: line 2, answer: is empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_without_question_or_answer_is_refused()
    {
        var e = Assert.Throws<FaqException>(() => FaqCsv.Parse("问题,答案\n发货,48小时\n", "kb.csv"));

        Assert.Equal(["line 1, header: has no 'question' column (expected question,answer,keywords)", "line 1, header: has no 'answer' column (expected question,answer,keywords)"],
            e.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void The_analyzer_cuts_Chinese_into_characters_and_bigrams_without_a_dictionary()
    {
        using var index = new FaqIndex(FaqCsv.Parse(Kb, "kb.csv"));

        Assert.Equal(["发", "发货", "货", "货时", "时", "时间", "间"], index.Terms("发货时间"));
        Assert.Equal(["iphone", "16", "发", "发票", "票"], index.Terms("ＩＰhone 16发票"));
    }

    [Fact]
    public void A_paraphrase_finds_its_entry_and_an_unrelated_question_finds_nothing_good()
    {
        using var index = new FaqIndex(FaqCsv.Parse(Kb, "kb.csv"));

        var shipping = index.Best("我今天拍的什么时候发货呀");
        var invoice = index.Best("能给我开个票吗");
        var weather = index.Best("今天天气怎么样");

        Assert.Equal("下单后多久发货", shipping!.Entry.Question);
        Assert.Equal("可以开发票吗", invoice!.Entry.Question);
        Assert.False(new FaqPolicy().Decide(false, 0, false, weather).Answer, $"coverage {weather?.Coverage}");
        Assert.False(new FaqPolicy().Decide(false, 0, false, index.Best("在吗")).Answer);
        Assert.Empty(index.Search("？！"));
    }

    private static readonly FaqMatch Good = new(new FaqEntry(2, "运费怎么算", "满99包邮", []), 12.5, 0.8);
    private static readonly FaqMatch Weak = new(new FaqEntry(2, "运费怎么算", "满99包邮", []), 12.5, 0.2);

    [Theory]
    [InlineData(false, 0, false, "good", true, "off_hours")]
    [InlineData(true, 6, false, "good", true, "overflow_waiting")]
    [InlineData(true, 5, false, "good", false, "agents_available")]   // 5 waiting is not more than 5
    [InlineData(true, 0, true, "good", true, "overflow_capacity")]
    [InlineData(true, 0, false, "good", false, "agents_available")]
    [InlineData(false, 0, false, "weak", false, "below_threshold")]
    [InlineData(false, 0, false, "none", false, "no_match")]
    [InlineData(false, 0, false, "chance", false, "below_threshold")]
    public void The_policy_answers_at_night_and_at_peaks_and_only_with_a_good_match(bool open, int waiting, bool allAtCapacity, string match, bool answer, string reason)
    {
        var m = match switch { "good" => Good, "weak" => Weak, "chance" => Good with { SharedBigrams = 0 }, _ => null };

        var decision = new FaqPolicy().Decide(open, waiting, allAtCapacity, m);

        Assert.Equal(new FaqDecision(answer, reason), decision);
    }

    [Fact]
    public void A_policy_file_can_turn_overflow_off_and_a_bad_one_names_the_key()
    {
        var policy = FaqPolicyLoader.Parse("off_hours: true\noverflow_waiting: off\nat_capacity: false\nmin_coverage: 0.6", "policy.yaml");
        var e = Assert.Throws<Yaml.YamlFileException>(() => FaqPolicyLoader.Parse("min_coverage: 2\nnight: yes", "policy.yaml"));

        Assert.Null(policy.OverflowWaiting);
        Assert.False(policy.AtCapacity);
        Assert.Equal(0.6, policy.MinCoverage);
        Assert.Equal(new FaqDecision(false, "agents_available"), policy.Decide(true, 50, true, Good));
        Assert.Equal(["night (line 2): unknown key (expected one of: off_hours, overflow_waiting, at_capacity, min_coverage, min_score)", "min_coverage (line 1): '2' is not a number from 0 to 1"],
            e.Problems.Select(p => p.ToString()));
    }

    [Fact]
    public void Open_means_business_time_in_the_next_second_on_the_shops_calendar()
    {
        var calendar = new BusinessCalendar(new CalendarRules
        {
            Week = new Dictionary<DayOfWeek, IReadOnlyList<LocalHours>> { [DayOfWeek.Friday] = [new LocalHours(TimeSpan.FromHours(9), TimeSpan.FromHours(23))] },
        }, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));

        Assert.True(FaqPolicy.IsOpen(calendar, T("2026-11-20T22:59:59+08:00")));
        Assert.False(FaqPolicy.IsOpen(calendar, T("2026-11-20T23:00:00+08:00")));
        Assert.False(FaqPolicy.IsOpen(calendar, T("2026-11-20T00:30:00Z")));   // 08:30 in Shanghai
    }

    [Fact]
    public void The_FAQ_reply_is_a_bot_message_and_never_counts_as_a_human_reply()
    {
        var chat = Chat.On("2026-11-20").Customer("10:00:00", "运费怎么算");
        var reply = FaqPolicy.Reply("faq-1", "s1", "c1", "u1", "满99包邮", T("2026-11-20T10:00:02+08:00"));
        var events = chat.Events.Append(reply).ToList();

        var day = Run.Report(Builtin.Get("douyin"), events).Period("2026-11-20");

        Assert.Equal((Sender.Bot, MessageKind.Auto), (reply.Sender, reply.Kind));
        Assert.False(reply.IsHumanReply);
        Assert.Equal((0, 1), day.Ratio("reply_rate_3min"));   // answered by the FAQ in 2 s, still not a human reply
    }

    [Fact]
    public void Customers_answered_by_the_FAQ_are_counted_once_a_day_in_the_shops_zone()
    {
        var shanghai = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");
        ChatEvent Bot(string id, string at, string? customer, string conversation) =>
            FaqPolicy.Reply(id, "s1", conversation, customer, "答", T(at));
        var events = new[]
        {
            Bot("f1", "2026-11-20T10:00:00+08:00", "u1", "c1"),
            Bot("f2", "2026-11-20T11:00:00+08:00", "u1", "c1"),   // the same customer again
            Bot("f3", "2026-11-20T15:59:59Z", "u2", "c2"),        // 23:59:59 in Shanghai
            Bot("f4", "2026-11-20T16:00:00Z", "u2", "c2"),        // 00:00 on the 21st
            Bot("f5", "2026-11-21T09:00:00+08:00", null, "c3"),   // no customer: counted by conversation
        }.Append(Chat.On("2026-11-21").Bot("09:10:00").Events[0]).ToList();   // a robot message that is not an auto-reply

        var perDay = FaqAnswered.PerDay(events, shanghai);

        Assert.Equal([(new DateOnly(2026, 11, 20), 2), (new DateOnly(2026, 11, 21), 2)], perDay);
    }
}
