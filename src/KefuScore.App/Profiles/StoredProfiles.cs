using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using KefuScore.App.Storage;
using KefuScore.Engine.Profiles;
using KefuScore.Engine.Text;
using Microsoft.EntityFrameworkCore;

namespace KefuScore.App.Profiles;

/// <summary>
/// A row of <c>profile_versions</c>: one uploaded rule profile at one version, never changed once written (a shop's
/// facts are kept under it). What the check found is kept with it: the counts of metrics and assessments it passed with.
/// </summary>
public sealed class ProfileVersionRow
{
    public required string Id { get; set; }
    public int Version { get; set; }
    public required string Yaml { get; set; }
    public required string Author { get; set; }
    public long CreatedTicks { get; set; }
    public int Metrics { get; set; }
    public int Assessments { get; set; }
}

/// <summary>Why an upload was not stored.</summary>
public enum ProfileUploadRefusal { None, Invalid, BadId, BuiltInId, TooLarge }

/// <summary>An upload's outcome: the version stored, or the refusal with the loader's errors (when invalid).</summary>
public sealed record ProfileUpload(ProfileUploadRefusal Refusal, ProfileVersionRow? Stored, IReadOnlyList<ProfileError> Errors);

/// <summary>
/// Rule profiles as a shop names them: a built-in id (<c>douyin</c>) or an uploaded profile at a version
/// (<c>my-rules@2</c>, <see cref="Reference"/>). <see cref="Compile(KefuDb, string)"/> is the one function every path
/// that judges a shop's events resolves its profile with (reports, explain, score, plan, live, alerts, exports, the
/// store's facts). Uploaded profiles are the server's, not a shop's: an admin stores them and assigns a version to any
/// shop, as the built-ins are (docs/decisions.md §39).
/// </summary>
public static partial class StoredProfiles
{
    /// <summary>The largest YAML stored (the built-ins are under 16 KiB).</summary>
    public const int MaxYamlLength = 256 * 1024;

    public static void Configure(ModelBuilder b) => b.Entity<ProfileVersionRow>(e =>
    {
        e.ToTable("profile_versions");
        e.HasKey(x => new { x.Id, x.Version });
    });

    [GeneratedRegex("^[a-z0-9][a-z0-9_.-]{0,63}$")]
    private static partial Regex IdPattern();

    /// <summary>How a shop names an uploaded profile's version: <c>id@version</c> (an id never holds '@').</summary>
    public static string Reference(string id, int version) => $"{id}@{version.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>The id and version of an uploaded profile's reference; false for a built-in id or anything else.</summary>
    public static bool TryParse(string reference, out string id, out int version)
    {
        ArgumentNullException.ThrowIfNull(reference);
        (id, version) = ("", 0);
        var at = reference.LastIndexOf('@');
        if (at <= 0 || !int.TryParse(reference.AsSpan(at + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out version) || version < 1) return false;
        id = reference[..at];
        return IdPattern().IsMatch(id);
    }

    // Stored versions never change, so a compiled one is kept for the process's life, per database (tests and the CLI
    // open several): the key is the connection string with the reference.
    private static readonly ConcurrentDictionary<(string Db, string Reference), CompiledProfile> Compiled = new();

    /// <summary>The compiled profile a reference names; throws <see cref="ProfileException"/> when there is none.</summary>
    public static async Task<CompiledProfile> Compile(KefuDb db, string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(reference);
        if (!TryParse(reference, out var id, out var version)) return ProfileCatalog.Compile(reference);
        var key = (db.Database.GetConnectionString() ?? "", reference);
        if (Compiled.TryGetValue(key, out var hit)) return hit;
        var row = await db.Set<ProfileVersionRow>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.Version == version, ct);
        return Compiled.GetOrAdd(key, CompileRow(row, reference));
    }

    /// <summary>
    /// The same lookup for callers that cannot wait (the event store's <c>Func&lt;string, CompiledProfile&gt;</c>):
    /// built-ins from the catalog, stored versions read once from the database behind <paramref name="options"/>.
    /// </summary>
    public static Func<string, CompiledProfile> Resolver(DbContextOptions<KefuDb> options)
    {
        string? dbKey = null;
        return reference =>
        {
            if (!TryParse(reference, out var id, out var version)) return ProfileCatalog.Compile(reference);
            using var db = new KefuDb(options);
            dbKey ??= db.Database.GetConnectionString() ?? "";
            var key = (dbKey, reference);
            if (Compiled.TryGetValue(key, out var hit)) return hit;
            var row = db.Set<ProfileVersionRow>().AsNoTracking().SingleOrDefault(r => r.Id == id && r.Version == version);
            return Compiled.GetOrAdd(key, CompileRow(row, reference));
        };
    }

    private static CompiledProfile CompileRow(ProfileVersionRow? row, string reference)
    {
        if (row is null) throw new ProfileException(reference, [new ProfileError("", new Msg(Codes.ProfileNoStored, reference))]);
        var profile = ProfileLoader.Parse(row.Yaml, $"stored profile '{reference}'");
        return CompiledProfile.Compile(profile, TimeZones.Find(profile.TimeZone, profile.Source));
    }

    /// <summary>Whether a reference names a built-in profile or a stored version.</summary>
    public static async Task<bool> Exists(KefuDb db, string reference, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (ProfileCatalog.BuiltInIds.Contains(reference, StringComparer.Ordinal)) return true;
        return TryParse(reference, out var id, out var version) && await db.Set<ProfileVersionRow>().AnyAsync(r => r.Id == id && r.Version == version, ct);
    }

    /// <summary>Every stored version, newest first within each id.</summary>
    public static async Task<IReadOnlyList<ProfileVersionRow>> List(KefuDb db, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var rows = await db.Set<ProfileVersionRow>().AsNoTracking().ToListAsync(ct);
        return rows.OrderBy(r => r.Id, StringComparer.Ordinal).ThenByDescending(r => r.Version).ToList();
    }

    public static async Task<ProfileVersionRow?> Get(KefuDb db, string id, int version, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return await db.Set<ProfileVersionRow>().AsNoTracking().SingleOrDefaultAsync(r => r.Id == id && r.Version == version, ct);
    }

    /// <summary>
    /// Checks an upload with the profile loader and, when it passes, stores it as the next version of its id. Nothing
    /// is stored when it fails: a version no shop can be judged by has no use.
    /// </summary>
    public static async Task<ProfileUpload> Upload(KefuDb db, string yaml, string author, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(yaml);
        if (yaml.Length > MaxYamlLength) return new ProfileUpload(ProfileUploadRefusal.TooLarge, null, []);
        Profile profile;
        try
        {
            profile = ProfileLoader.Parse(yaml, "upload");
            CompiledProfile.Compile(profile, TimeZones.Find(profile.TimeZone, profile.Source));
        }
        catch (ProfileException e)
        {
            return new ProfileUpload(ProfileUploadRefusal.Invalid, null, e.Errors);
        }
        if (!IdPattern().IsMatch(profile.Id)) return new ProfileUpload(ProfileUploadRefusal.BadId, null, [new ProfileError("id", new Msg(Codes.ProfileBadId, profile.Id))]);
        if (ProfileCatalog.BuiltInIds.Contains(profile.Id, StringComparer.Ordinal))
            return new ProfileUpload(ProfileUploadRefusal.BuiltInId, null, [new ProfileError("id", new Msg(Codes.ProfileBuiltInId, profile.Id))]);
        // Two uploads of one id at once: the second insert meets the key and takes the next number.
        for (var attempt = 0; ; attempt++)
        {
            var last = await db.Set<ProfileVersionRow>().Where(r => r.Id == profile.Id).MaxAsync(r => (int?)r.Version, ct) ?? 0;
            var row = new ProfileVersionRow
            {
                Id = profile.Id, Version = last + 1, Yaml = yaml, Author = author, CreatedTicks = now.UtcTicks,
                Metrics = profile.Metrics.Count, Assessments = profile.Assessments.Count,
            };
            db.Add(row);
            try
            {
                await db.SaveChangesAsync(ct);
                db.Entry(row).State = EntityState.Detached;
                return new ProfileUpload(ProfileUploadRefusal.None, row, []);
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.Entry(row).State = EntityState.Detached;
            }
        }
    }
}
