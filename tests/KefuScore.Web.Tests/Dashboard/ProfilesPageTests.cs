using Bunit;
using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Web.Dashboard;
using KefuScore.Web.Dashboard.Profiles;
using Microsoft.AspNetCore.Components.Forms;

namespace KefuScore.Web.Tests.Dashboard;

/// <summary>考核规则: an admin uploads a profile (errors under their line, in Chinese with the field), stores it as a version, and assigns it to a shop.</summary>
public sealed class ProfilesPageTests : ShopWidePageContext
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 21, 12, 0, 0, TimeSpan.FromHours(8));

    private static string Strict => ProfileCatalog.BuiltInText("douyin")!
        .Replace("id: douyin", "id: strict", StringComparison.Ordinal)
        .Replace("names: { zh-CN: 抖店(种子文章口径), en: Douyin shop (seed rules) }", "names: { zh-CN: 严格口径, en: Strict rules }", StringComparison.Ordinal)
        .Replace("    within: 180s", "    within: 60s", StringComparison.Ordinal);

    [Fact]
    public async Task An_admin_stores_an_upload_as_a_version_and_gives_it_to_a_shop_without_data()
    {
        await KefuStorage.InitialiseAsync(Options);
        await using (var db = new KefuDb(Options))
        {
            Assert.Equal(ShopRefusal.None, await ShopCatalog.Create(db, "new-shop", "新店", "douyin"));
        }
        await SignIn(Roles.Admin, Noon);
        var cut = Render<ProfilesPage>(p => p.AddCascadingValue(new Lang(false)));
        Assert.Empty(cut.FindAll("#profile-versions"));

        // A broken file: the error under line 25, naming the field in Chinese; no store button.
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Strict.Replace("    within: 60s", "    within: three", StringComparison.Ordinal), "strict.yaml"));
        // The reason too is Chinese (the loader's code rendered from the resources), not the CLI's English.
        cut.WaitForAssertion(() => Assert.Equal("    ↑ 第 25 行 · 字段 metrics[1].within：「three」不是有效的时长，请写成 180s、10m 或 24h",
            cut.FindAll(".kefu-yaml-error")[0].TextContent.TrimEnd('\n')));
        Assert.Empty(cut.FindAll("#profile-save"));

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Strict, "strict.yaml"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#profile-save")));
        await cut.Find("#profile-save").ClickAsync(new());
        Assert.Equal("已保存：strict 第 1 版。可在下面指定给店铺。", cut.Find("#profile-save-message").TextContent.Trim());
        var row = cut.Find("#profile-versions tr[data-profile='strict@1']");
        Assert.Contains("第 1 版", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("u-admin", row.TextContent, StringComparison.Ordinal);
        Assert.Contains("12:00:00", row.TextContent, StringComparison.Ordinal);

        // The new version is chosen for assignment; the shop takes it.
        Assert.Equal("strict@1", cut.Find("#assign-profile").GetAttribute("value"));
        cut.Find("#assign-shop").Change("new-shop");
        await cut.Find("#assign-form").SubmitAsync();
        Assert.Equal("店铺 新店 改用 严格口径（上传，第 1 版）。", cut.Find("#assign-message").TextContent.Trim());
        await using (var db = new KefuDb(Options))
            Assert.Equal("strict@1", (await db.Shops.FindAsync("new-shop"))!.Profile);
        Assert.Contains("新店", cut.Find("#profile-versions tr[data-profile='strict@1']").TextContent, StringComparison.Ordinal);

        // Its built-in id refused when stored again under it.
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(ProfileCatalog.BuiltInText("douyin")!, "douyin.yaml"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#profile-save")));
        await cut.Find("#profile-save").ClickAsync(new());
        Assert.Equal("id「douyin」是内置规则的 id，请给你的规则另起一个 id（字段 id）", cut.Find("#profile-save-message").TextContent.Trim());
    }

    [Fact]
    public async Task A_supervisor_sees_the_versions_but_cannot_store_or_assign()
    {
        await KefuStorage.InitialiseAsync(Options);
        await using (var db = new KefuDb(Options))
            Assert.Equal(ProfileUploadRefusal.None, (await StoredProfiles.Upload(db, Strict, "admin", Noon)).Refusal);
        await SignIn(Roles.Supervisor, Noon, shop: "new-shop");
        var cut = Render<ProfilesPage>(p => p.AddCascadingValue(new Lang(false)));
        Assert.NotNull(cut.Find("#profile-versions tr[data-profile='strict@1']"));
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(Strict, "strict.yaml"));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("#profile-ok")));
        Assert.Empty(cut.FindAll("#profile-save"));
        Assert.Empty(cut.FindAll("#assign-form"));
    }
}
