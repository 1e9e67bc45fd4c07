using KefuScore.Engine.Events;
using KefuScore.Engine.Metrics;

namespace KefuScore.Engine.Score;

/// <summary>
/// Folds the order side of the events (reviews, after-sales, shipments, complaints) into the built-in order
/// indicators, per shop and local day. Orders are joined at <see cref="Finish"/> (paid → picked up, requested →
/// completed), so input order does not matter; duplicates (same shop and id) are ignored as everywhere else.
/// </summary>
public sealed class ExperienceLedger(LocalClock clock)
{
    /// <summary>The built-in order indicators, by id, with the dimension they belong to and whether more is better.</summary>
    public static IReadOnlyDictionary<string, (string Dimension, bool HigherIsBetter)> Builtins { get; } = new Dictionary<string, (string, bool)>(StringComparer.Ordinal)
    {
        [NegativeReviewRate] = (Dimensions.Product, false),
        [ReturnRate] = (Dimensions.Product, false),
        [QualityComplaintRate] = (Dimensions.Product, false),
        [Pickup24hRate] = (Dimensions.Logistics, true),
        [DeliveryHours] = (Dimensions.Logistics, false),
        [LogisticsProblemRate] = (Dimensions.Logistics, false),
        [ComplaintRate] = (Dimensions.Service, false),
        [AftersaleRefusalRate] = (Dimensions.Service, false),
        [RefundHours] = (Dimensions.Service, false),
    };

    /// <summary>Whether a built-in order indicator is a share between 0 and 1; the others are hours.</summary>
    public static bool IsShare(string indicator) => indicator is not (DeliveryHours or RefundHours);

    /// <summary>商品差评率: reviews of 1–2 stars ÷ reviews.</summary>
    public const string NegativeReviewRate = "negative_review_rate";
    /// <summary>退货率: return and exchange requests ÷ paid orders.</summary>
    public const string ReturnRate = "return_rate";
    /// <summary>Complaints about quality or false advertising (假货/质量问题, 虚假宣传) ÷ paid orders.</summary>
    public const string QualityComplaintRate = "quality_complaint_rate";
    /// <summary>24小时支付-揽收率: paid orders picked up within 24 h ÷ paid orders.</summary>
    public const string Pickup24hRate = "pickup_24h_rate";
    /// <summary>订单配送时长: hours from payment to delivery, over delivered orders.</summary>
    public const string DeliveryHours = "delivery_hours";
    /// <summary>发货问题负向反馈率: logistics complaints and lost parcels ÷ shipped orders.</summary>
    public const string LogisticsProblemRate = "logistics_problem_rate";
    /// <summary>投诉率: complaints about the service (attitude, slow replies, after-sales, other) ÷ paid orders.</summary>
    public const string ComplaintRate = "complaint_rate";
    /// <summary>售后拒绝率: refusals ÷ after-sales requests.</summary>
    public const string AftersaleRefusalRate = "aftersale_refusal_rate";
    /// <summary>退款自主完结时长: hours from an after-sales request to its completion.</summary>
    public const string RefundHours = "refund_hours";

    private sealed class Order
    {
        public long? Paid, PickedUp, Shipped, Delivered;
        public List<long> Requests { get; } = [];
    }

    private readonly record struct OrderKey(string Shop, string Order);
    private readonly record struct Pending(string Shop, string Order, long Ticks, string Kind, string? Category, string? Agent, byte Stars);

    private readonly HashSet<(string, string)> _ids = [];
    private readonly Dictionary<OrderKey, Order> _orders = [];
    private readonly List<Pending> _events = [];
    private readonly IndicatorDays _days = new();

    public long Duplicates { get; private set; }

    /// <summary>Takes reviews, after-sales, shipments and complaints; every other event is the fold's.</summary>
    public void Apply(ChatEvent e)
    {
        if (e.Type is not (EventType.Review or EventType.Aftersale or EventType.Shipment or EventType.Complaint)) return;
        if (!_ids.Add((e.Shop, e.Id))) { Duplicates++; return; }
        var ticks = e.Ticks;
        var date = clock.LocalDate(ticks);
        switch (e.Type)
        {
            case EventType.Review:
                var bad = e.Stars is >= 1 and <= 2;
                _days.Add(e.Shop, date, NegativeReviewRate, bad ? 1 : 0, 1);
                if (bad) _days.AddDriver(e.Shop, date, NegativeReviewRate, "order:" + e.Order, 1);
                break;
            case EventType.Complaint:
                var indicator = e.Category switch
                {
                    "quality" or "false_advertising" => QualityComplaintRate,
                    "logistics" => LogisticsProblemRate,
                    _ => ComplaintRate,
                };
                _days.Add(e.Shop, date, indicator, 1, 0);
                _days.AddDriver(e.Shop, date, indicator, "category:" + (e.Category ?? "other"), 1);
                if (e.Agent is not null) _days.AddDriver(e.Shop, date, indicator, "agent:" + e.Agent, 1);
                if (e.Order is not null) _days.AddDriver(e.Shop, date, indicator, "order:" + e.Order, 1);
                break;
            case EventType.Shipment when e.Order is not null:
                var order = OrderOf(e.Shop, e.Order);
                switch (e.Action)
                {
                    case "paid": order.Paid = Min(order.Paid, ticks); break;
                    case "shipped": order.Shipped = Min(order.Shipped, ticks); break;
                    case "picked_up": order.PickedUp = Min(order.PickedUp, ticks); break;
                    case "delivered": order.Delivered = Min(order.Delivered, ticks); break;
                    case "lost":
                        _days.Add(e.Shop, date, LogisticsProblemRate, 1, 0);
                        _days.AddDriver(e.Shop, date, LogisticsProblemRate, "order:" + e.Order, 1);
                        _days.AddDriver(e.Shop, date, LogisticsProblemRate, "category:lost", 1);
                        break;
                }
                break;
            case EventType.Aftersale when e.Order is not null:
                var o = OrderOf(e.Shop, e.Order);
                switch (e.Action)
                {
                    case "requested":
                        o.Requests.Add(ticks);
                        _days.Add(e.Shop, date, AftersaleRefusalRate, 0, 1);
                        // Returns and exchanges are the product's; a refund-only request is not a return (kind is kept in Category).
                        if (e.Category is null or "return" or "exchange") _events.Add(new Pending(e.Shop, e.Order, ticks, "request", e.Category, null, 0));
                        break;
                    case "refused":
                        _days.Add(e.Shop, date, AftersaleRefusalRate, 1, 0);
                        _days.AddDriver(e.Shop, date, AftersaleRefusalRate, "order:" + e.Order, 1);
                        break;
                    case "completed":
                        _events.Add(new Pending(e.Shop, e.Order, ticks, "completed", null, null, 0));
                        break;
                }
                break;
        }
    }

    private Order OrderOf(string shop, string order)
    {
        var key = new OrderKey(shop, order);
        if (!_orders.TryGetValue(key, out var o)) _orders[key] = o = new Order();
        return o;
    }

    private static long Min(long? a, long b) => a is { } x && x < b ? x : b;

    /// <summary>Joins the orders and returns the daily indicator state.</summary>
    public IndicatorDays Finish()
    {
        var day = TimeSpan.TicksPerDay;
        foreach (var (key, o) in _orders)
        {
            if (o.Paid is { } paid)
            {
                var date = clock.LocalDate(paid);
                _days.Add(key.Shop, date, ReturnRate, 0, 1);
                _days.Add(key.Shop, date, QualityComplaintRate, 0, 1);
                _days.Add(key.Shop, date, ComplaintRate, 0, 1);
                var inTime = o.PickedUp is { } p && p - paid <= day;
                _days.Add(key.Shop, date, Pickup24hRate, inTime ? 1 : 0, 1);
                if (!inTime) _days.AddDriver(key.Shop, date, Pickup24hRate, "order:" + key.Order, 1);
                if (o.Delivered is { } delivered && delivered >= paid)
                {
                    var hours = (delivered - paid) / (double)TimeSpan.TicksPerHour;
                    var deliveredOn = clock.LocalDate(delivered);
                    _days.Add(key.Shop, deliveredOn, DeliveryHours, hours, 1);
                    _days.AddDriver(key.Shop, deliveredOn, DeliveryHours, "order:" + key.Order, hours);
                }
            }
            if ((o.Shipped ?? o.PickedUp) is { } shipped) _days.Add(key.Shop, clock.LocalDate(shipped), LogisticsProblemRate, 0, 1);
        }
        foreach (var p in _events)
        {
            var date = clock.LocalDate(p.Ticks);
            if (p.Kind == "request")
            {
                _days.Add(p.Shop, date, ReturnRate, 1, 0);
                _days.AddDriver(p.Shop, date, ReturnRate, "order:" + p.Order, 1);
            }
            else if (_orders.TryGetValue(new OrderKey(p.Shop, p.Order), out var o) && o.Requests.Where(r => r <= p.Ticks).DefaultIfEmpty(long.MinValue).Max() is var requested && requested != long.MinValue)
            {
                // Self-completion time: from the latest request before this completion.
                var hours = (p.Ticks - requested) / (double)TimeSpan.TicksPerHour;
                _days.Add(p.Shop, date, RefundHours, hours, 1);
                _days.AddDriver(p.Shop, date, RefundHours, "order:" + p.Order, hours);
            }
        }
        _events.Clear();
        _orders.Clear();
        return _days;
    }
}
