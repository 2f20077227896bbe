using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Aotml.Text.Generated;
using Aotml.Text.Normalization;

namespace Aotml.Core.Tests.Text;

/// <summary>The generated tables against their generator and against Python's unicodedata (an independent
/// implementation, compared on its own Unicode version by emulating it through Age).</summary>
public class UcdCrossCheckTests
{
    private static string RepoRoot([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", ".."));

    private static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepoRoot() };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{file} {string.Join(' ', args)} failed: {stderr.Result}");
        return stdout;
    }

    [Fact]
    public void GeneratedTablesAreFresh() => Run("python3", "tools/ucd_tables.py", "--check");

    [Fact]
    public void VersionIsTheDebianUcd() => Assert.Equal(new Version(15, 0, 0), UcdVersion.Value);

    private const string PythonDump = """
        import sys, unicodedata as u
        print(u.unidata_version)
        for cp in range(0x110000):
            if 0xD800 <= cp < 0xE000:
                continue
            c = chr(cp)
            forms = [u.normalize(f, c) for f in ("NFC", "NFD", "NFKC", "NFKD")]
            cat = u.category(c)
            if any(f != c for f in forms) or cat != "Cn":
                print("%X;%s;%s" % (cp, cat, ";".join(" ".join("%X" % ord(x) for x in f) for f in forms)))
        """;

    [Fact]
    public void SingleCodePointsAgreeWithPythonUnicodedata()
    {
        var lines = Run("python3", "-c", PythonDump).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var v = Version.Parse(lines[0]);
        byte version = Ucd.AgeOf(v.Major, v.Minor);
        var forms = new[] { NormalizationForm.FormC, NormalizationForm.FormD, NormalizationForm.FormKC, NormalizationForm.FormKD };
        var listed = new HashSet<int>();
        var failures = new List<string>();
        var output = new List<int>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(';');
            int cp = int.Parse(f[0], NumberStyles.HexNumber);
            listed.Add(cp);
            string category = Ucd.Category(cp, version).ToString();
            if (Abbrev(Ucd.Category(cp, version)) != f[1] && failures.Count < 20)
                failures.Add($"U+{cp:X4}: category {category}, Python {f[1]}");
            for (int i = 0; i < 4; i++)
            {
                output.Clear();
                Normalizer.Normalize(new[] { cp }, forms[i], output, null, version);
                string got = string.Join(" ", output.Select(x => x.ToString("X")));
                if (got != f[2 + i] && failures.Count < 20)
                    failures.Add($"U+{cp:X4} {forms[i]}: {got}, Python {f[2 + i]}");
            }
        }
        Assert.True(listed.Count > 100_000, $"{listed.Count} assigned code points from Python");
        for (int cp = 0; cp < 0x110000; cp++)
        {
            if (!listed.Contains(cp) && cp is < 0xD800 or >= 0xE000 && Ucd.Category(cp, version) != GeneralCategory.Unassigned && failures.Count < 20)
                failures.Add($"U+{cp:X4}: assigned here, not in Python {v}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static string Abbrev(GeneralCategory c) => c switch
    {
        GeneralCategory.Unassigned => "Cn", GeneralCategory.UppercaseLetter => "Lu", GeneralCategory.LowercaseLetter => "Ll",
        GeneralCategory.TitlecaseLetter => "Lt", GeneralCategory.ModifierLetter => "Lm", GeneralCategory.OtherLetter => "Lo",
        GeneralCategory.NonspacingMark => "Mn", GeneralCategory.SpacingMark => "Mc", GeneralCategory.EnclosingMark => "Me",
        GeneralCategory.DecimalNumber => "Nd", GeneralCategory.LetterNumber => "Nl", GeneralCategory.OtherNumber => "No",
        GeneralCategory.ConnectorPunctuation => "Pc", GeneralCategory.DashPunctuation => "Pd", GeneralCategory.OpenPunctuation => "Ps",
        GeneralCategory.ClosePunctuation => "Pe", GeneralCategory.InitialPunctuation => "Pi", GeneralCategory.FinalPunctuation => "Pf",
        GeneralCategory.OtherPunctuation => "Po", GeneralCategory.MathSymbol => "Sm", GeneralCategory.CurrencySymbol => "Sc",
        GeneralCategory.ModifierSymbol => "Sk", GeneralCategory.OtherSymbol => "So", GeneralCategory.SpaceSeparator => "Zs",
        GeneralCategory.LineSeparator => "Zl", GeneralCategory.ParagraphSeparator => "Zp", GeneralCategory.Control => "Cc",
        GeneralCategory.Format => "Cf", GeneralCategory.Surrogate => "Cs", _ => "Co",
    };

    [Fact]
    public void CaseMappingsAgreeWithPythonWhereRustAndPythonShareTheRule()
    {
        // Python's str.lower/upper apply the same unconditional full mappings as Rust's char::to_lowercase/uppercase,
        // except the final-sigma rule for 'Σ' in context (absent for a lone character).
        var lines = Run("python3", "-c", """
            import unicodedata as u
            print(u.unidata_version)
            for cp in range(0x110000):
                if 0xD800 <= cp < 0xE000: continue
                c = chr(cp)
                if c.lower() != c or c.upper() != c:
                    print("%X;%s;%s" % (cp, " ".join("%X" % ord(x) for x in c.lower()), " ".join("%X" % ord(x) for x in c.upper())))
            """).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var v = Version.Parse(lines[0]);
        byte version = Ucd.AgeOf(v.Major, v.Minor);
        var failures = new List<string>();
        Span<int> m = stackalloc int[3];
        var listed = new HashSet<int>();
        foreach (var line in lines.Skip(1))
        {
            var f = line.Split(';');
            int cp = int.Parse(f[0], NumberStyles.HexNumber);
            listed.Add(cp);
            string lower = string.Join(" ", m[..Ucd.ToLower(cp, m)].ToArray().Select(x => x.ToString("X")));
            string upper = string.Join(" ", m[..Ucd.ToUpper(cp, m)].ToArray().Select(x => x.ToString("X")));
            if ((lower != f[1] || upper != f[2]) && failures.Count < 20)
                failures.Add($"U+{cp:X4}: lower {lower} upper {upper}, Python {f[1]} / {f[2]}");
        }
        for (int cp = 0; cp < 0x110000; cp++)
        {
            bool maps = Ucd.ToLower(cp, m) != 1 || m[0] != cp || Ucd.ToUpper(cp, m) != 1 || m[0] != cp;
            if (maps && !listed.Contains(cp) && Ucd.IsAssigned(cp, version) && failures.Count < 20)
                failures.Add($"U+{cp:X4}: has a case mapping here, none in Python {v}");
        }
        Assert.True(lines.Length > 2000);
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
