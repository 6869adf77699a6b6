using System.Globalization;
using CsvHelper;

namespace MikuCloud.Api.Requests;

/// <summary>The CSV every download writes (batch results, usage): safe to open in a spreadsheet.</summary>
public static class SpreadsheetCsv
{
    /// <summary>Writer options for downloads that people open in Excel, LibreOffice or Google Sheets.</summary>
    public static CsvWriterOptions Options { get; } = CsvWriterOptions.Default with
    {
        // RFC 4180 (the default mode): CRLF after each record; fields with a comma, quote, CR or LF quoted, quotes doubled.
        // A byte order mark: Excel opens a CSV without one in the machine's ANSI code page (GBK on Chinese Windows, 1252
        // elsewhere) and shows UTF-8 Chinese as mojibake; with it, Excel reads UTF-8. Other tools skip it.
        WriteByteOrderMark = true,
        // A text cell starting with = + - @ (or a tab or CR) is a formula to Excel, LibreOffice and Google Sheets: a
        // model's answer, a file or display name like "=HYPERLINK(...)" or "@SUM(...)" would run when the file is
        // opened. A leading ' makes the spreadsheet show it as text (OWASP's advice on CSV injection). Numbers are not touched.
        Injection = CsvInjection.Escape,
        InjectionEscape = '\'',
        FormatProvider = CultureInfo.InvariantCulture,
    };
}
