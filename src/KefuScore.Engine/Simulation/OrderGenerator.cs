namespace KefuScore.Engine.Simulation;

/// <summary>
/// An order's life after payment, decided at once: shipment steps (paid → shipped → picked_up → delivered, now
/// and then lost), after-sale cases (requested → agreed or refused → completed), a product review, and the
/// complaints that follow a lost parcel, a refused after-sale or a bad product. Steps may fall on later days.
/// </summary>
internal sealed class OrderGenerator(ShopState shop, SimRandom random, long dayStart)
{
    private const int Hour = 3600;

    /// <summary>An order paid <paramref name="second"/> seconds after local midnight.</summary>
    public void Order(int second)
    {
        var order = shop.NextOrder();
        var paid = dayStart + second;
        shop.Shipment(paid, order, "paid");

        if (random.Chance(0.03))
        {
            // Cancelled before shipping: a refund only.
            var asked = paid + random.Next(600, 10 * Hour);
            Aftersale(order, asked, "refund", 0.95);
            return;
        }

        var shipped = paid + Seconds(random.LogNormal(14 * Hour, 0.7));
        var pickedUp = shipped + random.Next(1 * Hour, 8 * Hour);
        shop.Shipment(shipped, order, "shipped");
        shop.Shipment(pickedUp, order, "picked_up");
        if (random.Chance(0.004))
        {
            var lost = pickedUp + random.Next(3 * 24 * Hour, 6 * 24 * Hour);
            shop.Shipment(lost, order, "lost");
            if (random.Chance(0.5)) shop.Complaint(lost + random.Next(Hour, 24 * Hour), null, order, null, "logistics");
            return;
        }

        var delivered = pickedUp + Seconds(random.LogNormal(48 * Hour, 0.4));
        shop.Shipment(delivered, order, "delivered");
        if (delivered - pickedUp > 5 * 24 * Hour && random.Chance(0.1))
            shop.Complaint(delivered - random.Next(Hour, 24 * Hour), null, order, null, "logistics");

        var troubled = random.Chance(0.05);
        if (troubled)
        {
            var asked = delivered + random.Next(Hour, 5 * 24 * Hour);
            var kind = random.Pick(AftersaleKinds);
            var refused = !Aftersale(order, asked, kind, 0.85);
            if (refused && random.Chance(0.3)) shop.Complaint(asked + random.Next(2 * Hour, 48 * Hour), null, order, null, "aftersale");
        }

        if (random.Chance(troubled ? 0.5 : 0.3))
        {
            var at = delivered + random.Next(Hour, 7 * 24 * Hour);
            var stars = Ratings.ReviewStars(random, troubled);
            var text = stars >= 4 ? random.Pick(Phrases.GoodReviews) : stars == 3 ? random.Pick(Phrases.MediumReviews) : random.Pick(Phrases.BadReviews);
            var roll = random.NextDouble();
            var media = roll < 0.05 ? "video" : roll < 0.3 ? "image" : "text";
            shop.Review(at, order, stars, random.Chance(0.1) ? null : text, media);
            if (stars == 1 && random.Chance(0.2)) shop.Complaint(at + random.Next(600, 6 * Hour), null, order, null, "quality");
        }
    }

    /// <summary>requested → agreed (with <paramref name="agreeChance"/>) → completed, or refused; true when agreed.</summary>
    private bool Aftersale(string order, long asked, string kind, double agreeChance)
    {
        shop.Aftersale(asked, order, "requested", kind);
        var decided = asked + Seconds(random.LogNormal(8 * Hour, 0.9));
        if (!random.Chance(agreeChance))
        {
            shop.Aftersale(decided, order, "refused", kind);
            return false;
        }
        shop.Aftersale(decided, order, "agreed", kind);
        var done = decided + (kind == "refund" ? random.Next(60, 2 * Hour) : random.Next(24 * Hour, 4 * 24 * Hour));
        shop.Aftersale(done, order, "completed", kind);
        return true;
    }

    private static long Seconds(double value) => Math.Max(1, (long)Math.Ceiling(value));

    private static readonly string[] AftersaleKinds = ["refund", "return", "exchange"];
}
