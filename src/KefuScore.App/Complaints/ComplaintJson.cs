using System.Text.Encodings.Web;
using System.Text.Json;
using KefuScore.App.Storage;
using KefuScore.Engine.Complaints;

namespace KefuScore.App.Complaints;

/// <summary>
/// The JSON of complaints: times in the shop calendar's offset, the countdown as <c>due</c>, <c>seconds_left</c>
/// (business seconds; negative once overdue) and <c>breached</c> for the response and, when the category has one, the
/// resolution; <c>escalation</c> the level (0 none).
/// </summary>
public static class ComplaintJson
{
    /// <summary>snake_case names, Chinese kept readable, as the other JSON of the product.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static object Of(ComplaintView v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var r = v.Row;
        ComplaintWords.TryCategory(r.Category, out var category);
        ComplaintWords.TryState(r.State, out var state);
        var times = ComplaintBook.Times(r);
        string At(DateTimeOffset t) => v.Calendar.ToZone(t).ToString("yyyy-MM-ddTHH:mm:sszzz", System.Globalization.CultureInfo.InvariantCulture);
        string? AtTicks(long? ticks) => ticks is { } t ? At(new DateTimeOffset(t, TimeSpan.Zero)) : null;
        object Clock(Deadline d) => new
        {
            due = At(d.Due),
            seconds_left = (long)Math.Round(d.Left.TotalSeconds),
            breached = d.Breached,
            done = d.Done is { } x ? At(x) : null,
        };
        return new
        {
            id = r.Id,
            source_event = r.SourceEvent,
            category = r.Category,
            category_name = category.Name(),
            state = r.State,
            state_name = state.Name(),
            next = ComplaintWorkflow.Next(state).Select(s => s.Id()).ToList(),
            conversation = r.Conversation,
            order = r.Order,
            customer = r.Customer,
            agent = r.Agent,
            text = r.Text,
            created = At(times.Created),
            due = At(v.Clock.Respond.Due),
            seconds_left = (long)Math.Round(v.Clock.Respond.Left.TotalSeconds),
            breached = v.Clock.Breached,
            escalation = v.Clock.Escalation,
            respond = Clock(v.Clock.Respond),
            resolve = v.Clock.Resolve is { } res ? Clock(res) : null,
            notes = v.Notes.Select(n => new { at = AtTicks(n.AtTicks), author = n.Author, text = n.Text, from = n.FromState, to = n.ToState }).ToList(),
            evidence = v.Evidence.Select(e => new { kind = e.Kind, conversation = e.Conversation, message = e.Message, agent = e.Agent, rule = e.Rule, detail = e.Detail }).ToList(),
        };
    }

    public static object Of(ComplaintEscalated e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new { shop = e.Shop, complaint = e.Complaint, category = e.Category, from = e.From, to = e.To, due = e.Due };
    }
}
