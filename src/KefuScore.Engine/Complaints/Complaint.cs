namespace KefuScore.Engine.Complaints;

/// <summary>投诉类型: what a complaint is about (SPEC §3 <c>category</c>); the first three are the seeds' own.</summary>
public enum ComplaintCategory : byte { Attitude, SlowReply, FalseAdvertising, Quality, Logistics, Aftersale, Other }

/// <summary>投诉状态: 待处理 open, 调查中 investigating, 已解决 resolved, 已驳回 rejected.</summary>
public enum ComplaintState : byte { Open, Investigating, Resolved, Rejected }

/// <summary>The words of categories and states as they appear in events, YAML and JSON.</summary>
public static class ComplaintWords
{
    private static readonly string[] CategoryIds = ["attitude", "slow_reply", "false_advertising", "quality", "logistics", "aftersale", "other"];
    private static readonly string[] CategoryNames = ["服务态度", "回复不及时", "虚假宣传", "商品质量", "物流", "售后", "其他"];
    private static readonly string[] StateIds = ["open", "investigating", "resolved", "rejected"];
    private static readonly string[] StateNames = ["待处理", "调查中", "已解决", "已驳回"];

    public static IReadOnlyList<string> Categories => CategoryIds;

    public static IReadOnlyList<string> States => StateIds;

    public static string Id(this ComplaintCategory category) => CategoryIds[(int)category];

    public static string Name(this ComplaintCategory category) => CategoryNames[(int)category];

    public static string Id(this ComplaintState state) => StateIds[(int)state];

    public static string Name(this ComplaintState state) => StateNames[(int)state];

    public static bool TryCategory(string? text, out ComplaintCategory category)
    {
        var i = Array.IndexOf(CategoryIds, text);
        category = i < 0 ? ComplaintCategory.Other : (ComplaintCategory)i;
        return i >= 0;
    }

    public static bool TryState(string? text, out ComplaintState state)
    {
        var i = Array.IndexOf(StateIds, text);
        state = i < 0 ? ComplaintState.Open : (ComplaintState)i;
        return i >= 0;
    }
}

/// <summary>
/// A complaint as far as the clock cares: when it was made, its category, and when it was first taken up (left
/// <c>open</c>) and closed (resolved or rejected), if it has been.
/// </summary>
public sealed record ComplaintTimes(ComplaintCategory Category, DateTimeOffset Created, DateTimeOffset? Responded = null, DateTimeOffset? Closed = null);
