using KefuScore.App.Profiles;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;

namespace KefuScore.Web.Dashboard.Profiles;

/// <summary>A profile a shop may be given: its reference (built-in id or <c>id@version</c>) and how a page names it.</summary>
public sealed record ProfileChoice(string Reference, string Label);

/// <summary>
/// The profiles the pages offer (built-ins, then every stored version, newest first) named in the reader's language:
/// the profile's own name, and for a stored one its version ("第 2 版"), never the bare reference.
/// </summary>
public static class ProfileChoices
{
    public static async Task<IReadOnlyList<ProfileChoice>> All(KefuDb db, Lang l, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(l);
        var list = ProfileCatalog.BuiltInIds.Select(id => new ProfileChoice(id, BuiltIn(id, l))).ToList();
        foreach (var row in await StoredProfiles.List(db, ct))
            list.Add(new ProfileChoice(StoredProfiles.Reference(row.Id, row.Version), await Label(db, StoredProfiles.Reference(row.Id, row.Version), l, ct)));
        return list;
    }

    /// <summary>How a page names the profile a reference points to.</summary>
    public static async Task<string> Label(KefuDb db, string reference, Lang l, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(l);
        if (!StoredProfiles.TryParse(reference, out var id, out var version)) return BuiltIn(reference, l);
        try
        {
            var p = (await StoredProfiles.Compile(db, reference, ct)).Profile;
            return l.T($"{l.Name(p.Names, id)}（上传，第 {version} 版）", $"{l.Name(p.Names, id)} (uploaded, version {version})");
        }
        catch (ProfileException)
        {
            return l.T($"{id}（第 {version} 版）", $"{id} (version {version})");
        }
    }

    private static string BuiltIn(string id, Lang l)
    {
        try
        {
            return l.Name(ProfileCatalog.Compile(id).Profile.Names, id);
        }
        catch (ProfileException)
        {
            return id;
        }
    }
}
