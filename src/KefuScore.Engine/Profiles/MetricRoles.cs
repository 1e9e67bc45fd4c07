using KefuScore.Engine.Events;

namespace KefuScore.Engine.Profiles;

/// <summary>
/// What a metric stands for where the product needs "the" one: the reply rate the live monitor waits by and the
/// overview leads with, the reply time, the satisfied and dissatisfied shares, the unanswered count. A profile names
/// them once (<c>roles:</c>); the dashboard, the live monitor and explain all ask here.
/// </summary>
public enum MetricRole { Reply, ReplyTime, Satisfied, Dissatisfied, Unanswered }

/// <summary>The metrics a profile gives each role: named by its <c>roles:</c>, else found by one rule here.</summary>
public sealed class MetricRoles
{
    public static IReadOnlyList<(MetricRole Role, string Key, MetricKind Kind)> All { get; } =
    [
        (MetricRole.Reply, "reply", MetricKind.ReplyWithin),
        (MetricRole.ReplyTime, "reply_time", MetricKind.ReplyTime),
        (MetricRole.Satisfied, "satisfied", MetricKind.RatingShare),
        (MetricRole.Dissatisfied, "dissatisfied", MetricKind.RatingShare),
        (MetricRole.Unanswered, "unanswered", MetricKind.Unanswered),
    ];

    private readonly Dictionary<MetricRole, MetricDefinition> _metrics = [];

    public MetricDefinition? Reply => this[MetricRole.Reply];
    public MetricDefinition? ReplyTime => this[MetricRole.ReplyTime];
    public MetricDefinition? Satisfied => this[MetricRole.Satisfied];
    public MetricDefinition? Dissatisfied => this[MetricRole.Dissatisfied];
    public MetricDefinition? Unanswered => this[MetricRole.Unanswered];

    public MetricDefinition? this[MetricRole role] => _metrics.GetValueOrDefault(role);

    /// <summary>
    /// Whether more of a role is better: replies within the window and satisfied ratings, yes; reply time,
    /// dissatisfied ratings and unanswered items, no. A change is good or bad by this one rule on every page.
    /// </summary>
    public static bool HigherIsBetter(MetricRole role) => role is MetricRole.Reply or MetricRole.Satisfied;

    /// <summary>
    /// Resolves each role: the metric the profile names, else the first metric that plainly is one (a reply rate
    /// that is not first-reply-only before one that is; a rating share of exactly that level, with no reason filter).
    /// </summary>
    public static MetricRoles Resolve(IReadOnlyDictionary<MetricRole, string> named, IReadOnlyList<MetricDefinition> metrics)
    {
        var roles = new MetricRoles();
        foreach (var (role, _, _) in All)
        {
            var metric = named.TryGetValue(role, out var id) ? metrics.FirstOrDefault(m => m.Id == id) : Default(role, metrics);
            if (metric is not null) roles._metrics[role] = metric;
        }
        return roles;
    }

    private static MetricDefinition? Default(MetricRole role, IReadOnlyList<MetricDefinition> metrics) => role switch
    {
        MetricRole.Reply => metrics.FirstOrDefault(m => m.Kind == MetricKind.ReplyWithin && !m.FirstOnly)
            ?? metrics.FirstOrDefault(m => m.Kind == MetricKind.ReplyWithin),
        MetricRole.ReplyTime => metrics.FirstOrDefault(m => m.Kind == MetricKind.ReplyTime),
        MetricRole.Satisfied => metrics.FirstOrDefault(m => IsPlainShare(m, Satisfaction.Satisfied)),
        MetricRole.Dissatisfied => metrics.FirstOrDefault(m => IsPlainShare(m, Satisfaction.Dissatisfied)),
        MetricRole.Unanswered => metrics.FirstOrDefault(m => m.Kind == MetricKind.Unanswered),
        _ => null,
    };

    private static bool IsPlainShare(MetricDefinition m, Satisfaction level) =>
        m.Kind == MetricKind.RatingShare && m.Reason is null && m.Of.Count == 0 && m.Levels.Count == 1 && m.Levels[0] == level;
}
