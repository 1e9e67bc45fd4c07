using KefuScore.App.Storage;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Tests.Storage;

public sealed class AccountsTests
{
    [Fact]
    public void A_password_verifies_and_a_wrong_one_does_not()
    {
        var hash = Accounts.HashPassword("秘密 secret");
        Assert.StartsWith("pbkdf2-sha256$", hash);
        Assert.DoesNotContain("secret", hash);
        Assert.True(Accounts.VerifyPassword("秘密 secret", hash));
        Assert.False(Accounts.VerifyPassword("秘密 secreT", hash));
        Assert.NotEqual(hash, Accounts.HashPassword("秘密 secret"));
    }

    [Fact]
    public async Task A_key_is_stored_hashed_and_grants_its_shops()
    {
        await using var db = await TestDatabase.Create("sqlite");
        var all = Accounts.NewKey();
        var some = Accounts.NewKey();
        await using var context = db.Open();
        await Accounts.AddKey(context, "all", all, null, 0);
        await Accounts.AddKey(context, "s1 only", some, ["s1"], 0);

        Assert.False(await context.ApiKeys.AnyAsync(k => k.Prefix == all), "only a prefix of the key is kept in clear");
        var grantAll = await Accounts.Verify(context, all, 0);
        var grantSome = await Accounts.Verify(context, some, 0);
        Assert.True(grantAll!.AllShops);
        Assert.True(grantAll.Covers("anything"));
        Assert.True(grantSome!.Covers("s1"));
        Assert.False(grantSome.Covers("s2"));
        Assert.Null(await Accounts.Verify(context, all + "x", 0));
    }

    private static readonly long Noon = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero).UtcTicks;

    [Fact]
    public async Task A_stored_key_keeps_at_most_4_characters_in_clear_and_a_chosen_key_none()
    {
        await using var db = await TestDatabase.Create("sqlite");
        await using var context = db.Open();
        var generated = Accounts.NewKey();
        await Accounts.AddKey(context, "generated", generated, null, 0);
        await Accounts.AddKey(context, "chosen", "demo-key", null, 0);
        var rows = await context.ApiKeys.AsNoTracking().OrderBy(k => k.Id).ToListAsync();
        Assert.Equal(generated.Substring(5, 4), rows[0].Prefix);
        Assert.Equal("", rows[1].Prefix);
        Assert.All(rows, r => Assert.True(r.Prefix.Length <= Accounts.PrefixLength));
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_an_expired_one_from_its_expiry_on()
    {
        await using var db = await TestDatabase.Create("sqlite");
        await using var context = db.Open();
        var revoked = Accounts.NewKey();
        var expiring = Accounts.NewKey();
        var id = await Accounts.AddKey(context, "revoked", revoked, null, 0);
        await Accounts.AddKey(context, "expiring", expiring, null, 0, expiresTicks: Noon, bootstrap: false);

        Assert.NotNull(await Accounts.Verify(context, revoked, Noon));
        Assert.True(await Accounts.RevokeKey(context, id, Noon));
        Assert.Null(await Accounts.Verify(context, revoked, Noon));
        Assert.False(await Accounts.RevokeKey(context, id, Noon), "revoked once");

        Assert.NotNull(await Accounts.Verify(context, expiring, Noon - 1));
        Assert.Null(await Accounts.Verify(context, expiring, Noon));
    }

    [Fact]
    public async Task A_key_records_its_last_use()
    {
        await using var db = await TestDatabase.Create("sqlite");
        await using var context = db.Open();
        var key = Accounts.NewKey();
        var id = await Accounts.AddKey(context, "k", key, null, 0);
        Assert.Null((await context.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id)).LastUsedTicks);
        await Accounts.Verify(context, key, Noon);
        Assert.Equal(Noon, (await context.ApiKeys.AsNoTracking().SingleAsync(k => k.Id == id)).LastUsedTicks);
    }

    [Fact]
    public async Task The_bootstrap_key_is_refused_once_its_variable_is_gone_or_changed_and_keeps_no_prefix()
    {
        await using var db = await TestDatabase.Create("sqlite");
        await using var context = db.Open();
        await Accounts.ReconcileBootstrap(context, "demo-key", Noon);
        await Accounts.ReconcileBootstrap(context, "demo-key", Noon + 1);
        var row = await context.ApiKeys.AsNoTracking().SingleAsync();
        Assert.True(row.Bootstrap);
        Assert.Equal("", row.Prefix);
        Assert.NotNull(await Accounts.Verify(context, "demo-key", Noon + 2));

        // Started without the variable: the key is taken back.
        await Accounts.ReconcileBootstrap(context, null, Noon + 3);
        Assert.Null(await Accounts.Verify(context, "demo-key", Noon + 4));
        // Set again later: a revoked key stays revoked; a new value is a new key, and the old one stays refused.
        await Accounts.ReconcileBootstrap(context, "demo-key", Noon + 5);
        Assert.Null(await Accounts.Verify(context, "demo-key", Noon + 6));
        await Accounts.ReconcileBootstrap(context, "second-key", Noon + 7);
        Assert.NotNull(await Accounts.Verify(context, "second-key", Noon + 8));
        await Accounts.ReconcileBootstrap(context, "third-key", Noon + 9);
        Assert.Null(await Accounts.Verify(context, "second-key", Noon + 10));
        Assert.NotNull(await Accounts.Verify(context, "third-key", Noon + 10));
    }
}
