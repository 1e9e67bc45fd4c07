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
        var grantAll = await Accounts.Verify(context, all);
        var grantSome = await Accounts.Verify(context, some);
        Assert.True(grantAll!.AllShops);
        Assert.True(grantAll.Covers("anything"));
        Assert.True(grantSome!.Covers("s1"));
        Assert.False(grantSome.Covers("s2"));
        Assert.Null(await Accounts.Verify(context, all + "x"));
    }
}
