using System.Globalization;
using KefuScore.Engine.Events;

namespace KefuScore.Bench.Kernel;

/// <summary>Turns an event back into the text record a reader would have filled, for the parser benchmark.</summary>
public static class RawFill
{
    public static RawEvent From(ChatEvent e)
    {
        var aftersale = e.Type == EventType.Aftersale;
        return new RawEvent
        {
            Type = EventParser.TypeName(e.Type),
            Id = e.Id,
            Shop = e.Shop,
            At = e.At.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            Conversation = e.Conversation,
            Customer = e.Customer,
            Sender = e.Sender == Sender.None ? null : Lower(e.Sender.ToString()),
            Agent = e.Agent,
            Kind = aftersale ? e.Category : e.Type == EventType.Message && e.Kind != MessageKind.Text ? Lower(e.Kind.ToString()) : null,
            Text = e.Text,
            Satisfaction = e.Satisfaction == Satisfaction.None ? null : Lower(e.Satisfaction.ToString()),
            Stars = e.Stars == 0 ? null : e.Stars.ToString(CultureInfo.InvariantCulture),
            Reason = e.Reason,
            Order = e.Order,
            Media = e.Media,
            Category = aftersale ? null : e.Category,
            Action = e.Action,
            Status = e.Status,
            Capacity = e.Capacity == 0 ? null : e.Capacity.ToString(CultureInfo.InvariantCulture),
        };
    }

#pragma warning disable CA1308 // the interchange format's words are lower case
    private static string Lower(string name) => name.ToLowerInvariant();
#pragma warning restore CA1308
}
