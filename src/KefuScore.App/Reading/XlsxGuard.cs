using System.IO.Compression;
using System.Xml;
using KefuScore.Engine.Events;

namespace KefuScore.App.Reading;

/// <summary>
/// Checks an .xlsx workbook's cells before MiniExcel reads it: MiniExcel makes each cell one string, so a single cell
/// of 300 MB took gigabytes and ended the process. The sheets and the shared strings are streamed once with
/// <see cref="XmlReader.ReadValueChunk"/>, which never holds more than a small buffer of a text node.
/// </summary>
internal static class XlsxGuard
{
    /// <summary>Longest cell: the same as the longest field of an event (<see cref="EventParser.MaxFieldChars"/>).</summary>
    public const int MaxCellChars = EventParser.MaxFieldChars;

    /// <summary>Throws <see cref="InputFileException"/> naming the cell when one is longer than <see cref="MaxCellChars"/>; leaves the stream where it was.</summary>
    public static void Check(Stream stream, string name)
    {
        var start = stream.Position;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
        {
            foreach (var entry in zip.Entries)
            {
                var sheet = entry.FullName.StartsWith("xl/worksheets/", StringComparison.OrdinalIgnoreCase);
                if (!(sheet || entry.FullName.Equals("xl/sharedStrings.xml", StringComparison.OrdinalIgnoreCase))
                    || !entry.FullName.EndsWith(".xml", StringComparison.OrdinalIgnoreCase)) continue;
                using var xml = XmlReader.Create(entry.Open(), new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, CloseInput = true });
                CheckPart(xml, name, entry.FullName, sheet);
            }
        }
        stream.Position = start;
    }

    private static void CheckPart(XmlReader xml, string name, string part, bool sheet)
    {
        var buffer = new char[8192];
        string? row = null;
        var shared = -1;
        while (xml.Read())
        {
            switch (xml.NodeType)
            {
                case XmlNodeType.Element when sheet && xml.LocalName == "row":
                    row = xml.GetAttribute("r");
                    break;
                case XmlNodeType.Element when !sheet && xml.LocalName == "si":
                    shared++;
                    break;
                case XmlNodeType.Text or XmlNodeType.CDATA or XmlNodeType.Whitespace or XmlNodeType.SignificantWhitespace:
                    long length = 0;
                    int n;
                    while ((n = xml.ReadValueChunk(buffer, 0, buffer.Length)) > 0)
                    {
                        length += n;
                        if (length > MaxCellChars)
                        {
                            var where = sheet ? $"row {EventParser.Quoted(row ?? "?")[1..^1]} of {part}" : $"shared string {shared} ({part})";
                            throw new InputFileException(name,
                                $"a cell in {where} is longer than 1,048,576 characters (limit: 1,048,576 characters per cell)");
                        }
                    }
                    break;
                default:
                    break;
            }
        }
    }
}
