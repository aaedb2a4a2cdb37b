using Constellation.Attestation.Config;
using Constellation.Attestation.Policy;

namespace Constellation.Attestation.Tests.Policy;

public class UpdateableValidatorBadUpdateTests
{
    private const byte PolicyA = 0xaa;
    private const byte PolicyB = 0xbb;
    private string _dir = null!;
    private string _path = null!;

    [SetUp]
    public void CreateDirectory()
    {
        _dir = Directory.CreateTempSubdirectory("policy-").FullName;
        _path = Path.Combine(_dir, "attestationConfig");
        File.WriteAllText(_path, PolicyFixtures.Json(PolicyA));
    }

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static IEnumerable<TestCaseData> BadUpdates()
    {
        var good = PolicyFixtures.Json(PolicyB);
        yield return new TestCaseData(Convert.ToBase64String(Enumerable.Range(0, 200).Select(i => (byte)(i * 37)).ToArray())).SetName("Garbage_keeps_the_previous_policy");
        yield return new TestCaseData(good[..(good.Length / 2)]).SetName("A_truncated_file_keeps_the_previous_policy");
        yield return new TestCaseData(good.Replace(new string('b', 64), new string('b', 62), StringComparison.Ordinal)).SetName("A_wrong_length_measurement_keeps_the_previous_policy");
        yield return new TestCaseData(good.Replace("\"4\":{\"expected\":\"" + new string('b', 64), "\"4\":{\"expected\":\"" + new string('b', 96), StringComparison.Ordinal)).SetName("Mixed_measurement_lengths_keep_the_previous_policy");
        yield return new TestCaseData(AttestationConfigJson.Serialize(AttestationConfig.CreateDefault(AttestationVariant.AwsSevSnp))).SetName("A_config_of_another_variant_keeps_the_previous_policy");
        yield return new TestCaseData(string.Empty).SetName("An_empty_file_keeps_the_previous_policy");
    }

    [TestCaseSource(nameof(BadUpdates))]
    public async Task A_bad_update_is_counted_and_logged_and_the_last_good_policy_keeps_validating(string badContent)
    {
        using var meter = new PolicyMeterRecorder();
        var logger = new ListLogger();
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Json, AttestationVariant.Dummy);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false), logger);

        File.WriteAllText(_path, badContent);
        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Failed);
        result.Error.Should().BeAssignableTo<AttestationException>().Which.Message.Should().Contain(_path);
        validator.Current.Generation.Should().Be(1);
        (await validator.ValidateAsync(PolicyFixtures.DocumentFor(PolicyA), new byte[] { 1 })).Warnings.Should().Equal(PolicyTestValidator.Tag(PolicyFixtures.Measurements(PolicyA)));
        meter.Failures.Should().Be(1);
        logger.Errors.Should().ContainSingle().Which.Should().Contain("reload from").And.Contain("failed; keeping generation 1");

        File.WriteAllText(_path, PolicyFixtures.Json(PolicyB));
        (await validator.ReloadAsync()).Outcome.Should().Be(PolicyReloadOutcome.Applied);
        (await validator.ValidateAsync(PolicyFixtures.DocumentFor(PolicyB), new byte[] { 1 })).Warnings.Should().Equal(PolicyTestValidator.Tag(PolicyFixtures.Measurements(PolicyB)));
    }

    [Test]
    public async Task The_watcher_skips_garbage_a_truncated_file_and_a_wrong_length_measurement_then_picks_up_a_good_file()
    {
        using var meter = new PolicyMeterRecorder();
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Json, AttestationVariant.Dummy);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions());
        var good = PolicyFixtures.Json(PolicyB);

        var expectedFailures = 0;
        foreach (var bad in new[] { "\u0001\u0002 not json", good[..(good.Length / 2)], good.Replace(new string('b', 64), new string('b', 30), StringComparison.Ordinal) })
        {
            WriteAtomically(_path, bad);
            expectedFailures++;
            await PolicyFixtures.WaitUntilAsync(() => meter.Failures >= expectedFailures, $"bad update {expectedFailures} was rejected");
            (await validator.ValidateAsync(PolicyFixtures.DocumentFor(PolicyA), new byte[] { 1 })).Warnings.Should().Equal(PolicyTestValidator.Tag(PolicyFixtures.Measurements(PolicyA)));
        }

        WriteAtomically(_path, good);
        await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(PolicyFixtures.Config(PolicyB)), "the good file was applied");

        validator.Current.Generation.Should().Be(2);
        (await validator.ValidateAsync(PolicyFixtures.DocumentFor(PolicyB), new byte[] { 1 })).Warnings.Should().Equal(PolicyTestValidator.Tag(PolicyFixtures.Measurements(PolicyB)));
        var reject = async () => await validator.ValidateAsync(PolicyFixtures.DocumentFor(PolicyA), new byte[] { 1 });
        await reject.Should().ThrowAsync<MeasurementMismatchException>();
    }

    [Test]
    public async Task A_first_load_that_fails_is_a_startup_error()
    {
        File.WriteAllText(_path, "{\"measurements\":");
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Json, AttestationVariant.Dummy);

        var act = () => UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions());

        (await act.Should().ThrowAsync<AttestationFormatException>()).WithMessage($"policy file {_path}: dummy: not valid JSON*");
    }

    [Test]
    public async Task A_missing_first_file_is_a_startup_error()
    {
        var source = new FileAttestationPolicySource(Path.Combine(_dir, "absent"), PolicyFileFormat.Json, AttestationVariant.Dummy);

        var act = () => UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions());

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*absent: cannot be read*");
    }

    [Test]
    public async Task An_unchanged_file_is_not_a_new_generation()
    {
        var source = new FileAttestationPolicySource(_path, PolicyFileFormat.Json, AttestationVariant.Dummy);
        await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(watch: false));

        var result = await validator.ReloadAsync();

        result.Outcome.Should().Be(PolicyReloadOutcome.Unchanged);
        validator.Current.Generation.Should().Be(1);
    }

    private static void WriteAtomically(string path, string content)
    {
        var temp = path + ".tmp";
        File.WriteAllText(temp, content);
        File.Move(temp, path, overwrite: true);
    }
}

public class UpdateableValidatorWatchLoopTests
{
    [Test]
    public async Task A_throwing_reload_handler_does_not_stop_the_watch()
    {
        var dir = Directory.CreateTempSubdirectory("policy-").FullName;
        try
        {
            var path = Path.Combine(dir, "attestationConfig");
            File.WriteAllText(path, PolicyFixtures.Json(0xaa));
            var logger = new ListLogger();
            var source = new FileAttestationPolicySource(path, PolicyFileFormat.Json, AttestationVariant.Dummy);
            await using var validator = await UpdateableAttestationValidator.CreateAsync(source, PolicyFixtures.Factory(), PolicyFixtures.FastOptions(), logger);
            validator.ReloadCompleted += (_, _) => throw new InvalidOperationException("handler bug");

            File.WriteAllText(path + ".tmp", PolicyFixtures.Json(0xbb));
            File.Move(path + ".tmp", path, overwrite: true);
            await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(PolicyFixtures.Config(0xbb)), "the first change is in effect");
            await PolicyFixtures.WaitUntilAsync(() => logger.Errors.Any(e => e.Contains("handler", StringComparison.Ordinal)), "the handler failure was logged");

            File.WriteAllText(path + ".tmp", PolicyFixtures.Json(0xcc));
            File.Move(path + ".tmp", path, overwrite: true);
            await PolicyFixtures.WaitUntilAsync(() => validator.Current.Config.Equals(PolicyFixtures.Config(0xcc)), "the second change is in effect");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
