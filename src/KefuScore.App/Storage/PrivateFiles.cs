namespace KefuScore.App.Storage;

/// <summary>
/// Files that hold a shop's data or a secret (the SQLite database with its <c>-wal</c>/<c>-shm</c>, the first admin's
/// password) are readable by the server's own user only: created 0600 (folders 0700) on Unix, and an existing database
/// file that others could read has their bits taken away. Windows keeps its ACLs (the user's profile or the folder's).
/// </summary>
public static class PrivateFiles
{
    private const UnixFileMode OwnerFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerFolder = OwnerFile | UnixFileMode.UserExecute;
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Creates the folder (0700) when missing; an existing one is left as its owner set it.</summary>
    public static void Folder(string path)
    {
        if (Directory.Exists(path)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, OwnerFolder);
    }

    /// <summary>
    /// The SQLite file: created empty with 0600 when missing (SQLite takes an empty file as a new database, and gives
    /// its <c>-wal</c> and <c>-shm</c> the database file's mode), and the database, <c>-wal</c> and <c>-shm</c> made
    /// owner-only when they exist with wider modes (a database made by an earlier version).
    /// </summary>
    public static void Database(string path)
    {
        if (!File.Exists(path)) CreateEmpty(path);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" }) Tighten(file);
    }

    /// <summary>Writes <paramref name="text"/> to a file only its owner reads (0600 from its creation, replacing one that was there).</summary>
    public static void WriteText(string path, string text)
    {
        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerFile;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
    }

    private static void CreateEmpty(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = OwnerFile;
        using var _ = new FileStream(path, options);
    }

    private static void Tighten(string path)
    {
        if (OperatingSystem.IsWindows() || !File.Exists(path)) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & Others) == 0) return;
        try
        {
            File.SetUnixFileMode(path, mode & ~Others);
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's file that this one may still open (shared through its group): SQLite opens it as before.
        }
    }
}
