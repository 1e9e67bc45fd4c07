namespace KefuScore.Engine.Metrics;

/// <summary>Arrays for the fold's hash tables.</summary>
internal static class Tables
{
    /// <summary>
    /// A zeroed table written once before it is probed. A large array comes from pages the process has never touched,
    /// and the kernel maps a page whose first access is a read (a probe) to its shared zero page, so the first write
    /// after it costs a second fault and a flush of the other core's address cache; written first, each page faults
    /// once (decisions §107). Allocated without the runtime's own zeroing, so the table is written once, not twice (§108).
    /// </summary>
    public static T[] Fresh<T>(int length) where T : unmanaged
    {
        var table = GC.AllocateUninitializedArray<T>(length);
        table.AsSpan().Clear();
        return table;
    }
}
