using Constellation.Tests;
using FluentAssertions;
using NUnit.Framework;

namespace Constellation.Packaging.Tests;

/// <summary>
/// The repository's one code style is enforced by the build, not by review: a project built with the repository's
/// <c>.editorconfig</c> and <c>Directory.Build.props</c> fails on a field without the <c>_camelCase</c> prefix
/// (IDE1006) and on a namespace that is not its folder path (IDE0130). The probe project is built in a temporary copy
/// of those two files, so the rules are proven to fire, not just to be written down.
/// </summary>
public class CodeStyleEnforcementTests
{
    [Test]
    public async Task A_field_without_the_underscore_prefix_fails_the_build()
    {
        var output = await BuildProbeAsync("Probe", "namespace Probe;\npublic sealed class Holder\n{\n    private readonly int count = 1;\n    public int Count => count;\n}\n");

        output.ExitCode.Should().NotBe(0);
        output.Text.Should().Contain("IDE1006").And.Contain("Missing prefix: '_'");
    }

    [Test]
    public async Task A_namespace_other_than_the_folder_path_fails_the_build()
    {
        var output = await BuildProbeAsync("Probe/Inner", "namespace Probe;\npublic sealed class Holder\n{\n    private readonly int _count = 1;\n    public int Count => _count;\n}\n");

        output.ExitCode.Should().NotBe(0);
        output.Text.Should().Contain("IDE0130").And.Contain("expected \"Probe.Inner\"");
    }

    [Test]
    public async Task A_file_that_keeps_both_rules_builds()
    {
        var output = await BuildProbeAsync("Probe/Inner", "namespace Probe.Inner;\npublic sealed class Holder\n{\n    private readonly int _count = 1;\n    public int Count => _count;\n}\n");

        output.ExitCode.Should().Be(0, output.Text);
    }

    private static async Task<(int ExitCode, string Text)> BuildProbeAsync(string folder, string source)
    {
        // tests/ rather than src/: the probe must not need the packages src/ projects reference (no restore traffic).
        var root = Directory.CreateTempSubdirectory("constellation-style-").FullName;
        try
        {
            File.Copy(Path.Combine(TestData.Root, ".editorconfig"), Path.Combine(root, ".editorconfig"));
            File.Copy(Path.Combine(TestData.Root, "Directory.Build.props"), Path.Combine(root, "Directory.Build.props"));
            File.WriteAllText(Path.Combine(root, "Directory.Packages.props"), "<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>");
            var project = Path.Combine(root, "tests", "Probe");
            Directory.CreateDirectory(Path.Combine(project, Path.GetRelativePath("Probe", folder)));
            File.WriteAllText(Path.Combine(project, "Probe.csproj"),
                "<Project Sdk=\"Microsoft.NET.Sdk\"><PropertyGroup><OutputType>Library</OutputType><ImplicitUsings>disable</ImplicitUsings><IsPackable>false</IsPackable></PropertyGroup></Project>");
            File.WriteAllText(Path.Combine(project, Path.GetRelativePath("Probe", folder), "Holder.cs"), source);

            return await Processes.RunAsync(
                "dotnet", ["build", project, "-c", "Release", "--nologo", "-v", "quiet"], root, TimeSpan.FromMinutes(5),
                new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
