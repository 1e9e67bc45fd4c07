using KefuScore.Web.Live;

namespace KefuScore.Web.Tests.Live;

/// <summary>
/// Issue 15 §4: each webhook notification carries <c>X-Kefu-Delivery</c>, an id receivers deduplicate on, the same
/// whenever the same transition is sent again (a retry, or another silo after the shop's grain moved).
/// </summary>
public sealed class WebhookDeliveryIdTests
{
    private const string Opened = """{"event":"alert.opened","shop":"s1","at":"2026-11-20T02:02:00.0000000+00:00","alert":{"rule":"waiting","kind":"waiting","cause":"m1","conversation":"c1","agent":null,"metric":null,"since":"2026-11-20T10:00:00.0000000+08:00","due":"2026-11-20T10:02:00.0000000+08:00","value":120}}""";

    [Fact]
    public void The_same_transition_evaluated_at_another_instant_has_the_same_id()
    {
        // Another silo evaluating 7 s later writes another `at`, and nothing else differs.
        var later = Opened.Replace("02:02:00.0000000+00:00", "02:02:07.0000000+00:00", StringComparison.Ordinal);
        Assert.Equal(WebhookDispatcher.DeliveryId(7, Opened), WebhookDispatcher.DeliveryId(7, later));
        Assert.Matches("^[0-9a-f]{32}$", WebhookDispatcher.DeliveryId(7, Opened));
    }

    [Fact]
    public void Another_webhook_cause_or_transition_has_another_id()
    {
        var id = WebhookDispatcher.DeliveryId(7, Opened);
        Assert.NotEqual(id, WebhookDispatcher.DeliveryId(8, Opened));
        Assert.NotEqual(id, WebhookDispatcher.DeliveryId(7, Opened.Replace("\"cause\":\"m1\"", "\"cause\":\"m2\"", StringComparison.Ordinal)));
        Assert.NotEqual(id, WebhookDispatcher.DeliveryId(7, Opened.Replace("alert.opened", "alert.cleared", StringComparison.Ordinal)));
    }
}
