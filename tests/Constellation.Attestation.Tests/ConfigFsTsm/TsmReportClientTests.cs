using Constellation.Attestation.ConfigFsTsm;
using Constellation.Attestation.Snp.Issuers;
using Constellation.Attestation.Tdx.Issuers;

namespace Constellation.Attestation.Tests.ConfigFsTsm;

public class TsmReportClientTests
{
    private const string Root = "/fake/tsm/report";
    private static readonly byte[] InBlob = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    private static TsmReportClient Client(FakeTsmTree tree, ConfigFsTsmOptions? options = null) =>
        new(options ?? new ConfigFsTsmOptions { ReportDirectory = Root }, tree);

    private static TsmReportRequest Request(string provider = "sev_guest", uint? privilegeLevel = null) =>
        new() { Provider = provider, InBlob = InBlob, PrivilegeLevel = privilegeLevel };

    [Test]
    public async Task A_report_is_read_from_outblob_and_auxblob_of_a_fresh_entry_that_is_removed_afterwards()
    {
        var tree = new FakeTsmTree(Root) { AuxBlob = [7, 8], Produce = inblob => [.. inblob, 0xAA] };

        var report = await Client(tree).GetReportAsync(Request(privilegeLevel: 2));

        report.OutBlob.ToArray().Should().Equal([.. InBlob, 0xAA]);
        report.AuxBlob.ToArray().Should().Equal(7, 8);
        report.Provider.Should().Be("sev_guest");
        tree.Log.Should().Contain(["write inblob", "write privlevel", "read outblob"]);
        tree.Log[^1].Should().StartWith("rmdir constellation-");
        tree.Directories.Should().Equal(Root);
    }

    [Test]
    public async Task The_request_data_is_never_written_to_an_entry_of_another_provider()
    {
        var tree = new FakeTsmTree(Root) { Provider = "tdx_guest\n" };

        var act = () => Client(tree).GetReportAsync(Request("sev_guest", privilegeLevel: 0));

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("expected sev_guest").And.Contain("tdx_guest");
        tree.Log.Should().NotContain(entry => entry.StartsWith("write", StringComparison.Ordinal));
        tree.Directories.Should().Equal(Root);
    }

    [Test]
    public async Task The_SNP_report_source_does_not_hand_its_report_data_to_a_TDX_provider()
    {
        var tree = new FakeTsmTree(Root) { Provider = "tdx_guest\n" };

        var act = () => new ConfigFsTsmReportSource(new ConfigFsTsmOptions { ReportDirectory = Root }, tree).GetReportAsync(InBlob);

        await act.Should().ThrowAsync<AttestationException>();
        tree.Log.Should().NotContain("write inblob");
    }

    [Test]
    public async Task The_TDX_quote_provider_does_not_hand_its_report_data_to_an_SNP_provider()
    {
        var tree = new FakeTsmTree(Root) { Provider = "sev_guest\n" };

        var act = () => new ConfigFsTsmQuoteProvider(new ConfigFsTsmOptions { ReportDirectory = Root }, tree).GetQuoteAsync(InBlob, CancellationToken.None).AsTask();

        await act.Should().ThrowAsync<AttestationException>().WithMessage("*expected tdx_guest*sev_guest*");
        tree.Log.Should().NotContain("write inblob");
    }

    [Test]
    public async Task Another_writer_changing_the_entry_while_outblob_is_read_is_detected_and_the_entry_removed()
    {
        var tree = new FakeTsmTree(Root);
        tree.OnReadOutblob = tree.Bump;

        var act = () => Client(tree).GetReportAsync(Request());

        (await act.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("generation 1 → 2");
        tree.Directories.Should().Equal(Root);
    }

    [Test]
    public async Task A_generation_that_is_not_a_number_is_a_format_error()
    {
        var tree = new FakeTsmTree(Root);
        tree.OnReadOutblob = entry => tree.Set(entry, "generation", "x\n");

        var act = () => Client(tree).GetReportAsync(Request());

        await act.Should().ThrowAsync<AttestationFormatException>().WithMessage("*generation*");
    }

    [Test]
    public async Task A_non_zero_privilege_level_is_refused_by_an_entry_without_privlevel_and_zero_is_served()
    {
        var tree = new FakeTsmTree(Root) { HasPrivlevel = false };

        var refused = () => Client(tree).GetReportAsync(Request(privilegeLevel: 1));
        var served = await Client(tree).GetReportAsync(Request(privilegeLevel: 0));

        (await refused.Should().ThrowAsync<AttestationException>()).Which.Message.Should().Contain("privlevel");
        served.OutBlob.ToArray().Should().Equal(InBlob);
        tree.Directories.Should().Equal(Root);
    }

    [Test]
    public async Task Without_a_privilege_level_privlevel_is_left_alone()
    {
        var tree = new FakeTsmTree(Root);

        await Client(tree).GetReportAsync(Request(privilegeLevel: null));

        tree.Log.Should().NotContain("write privlevel");
    }

    [Test]
    public async Task A_named_entry_is_kept_when_asked_to()
    {
        var tree = new FakeTsmTree(Root);

        await Client(tree, new ConfigFsTsmOptions { ReportDirectory = Root, EntryName = "mine", RemoveEntry = false }).GetReportAsync(Request());

        tree.Directories.Should().Contain(Path.Combine(Root, "mine"));
        tree.Log.Should().NotContain(entry => entry.StartsWith("rmdir", StringComparison.Ordinal));
    }

    [Test]
    public async Task A_cancelled_request_still_removes_its_entry()
    {
        using var cancel = new CancellationTokenSource();
        var tree = new FakeTsmTree(Root);
        tree.OnReadOutblob = _ => cancel.Cancel();
        tree.Produce = _ =>
        {
            cancel.Token.ThrowIfCancellationRequested();
            return [];
        };

        var act = () => Client(tree).GetReportAsync(Request(), cancel.Token);

        await act.Should().ThrowAsync<OperationCanceledException>();
        tree.Directories.Should().Equal(Root);
    }

    [Test]
    public async Task A_missing_report_directory_is_reported_plainly()
    {
        var act = () => new TsmReportClient(new ConfigFsTsmOptions { ReportDirectory = "/nonexistent/tsm" }).GetReportAsync(Request());

        await act.Should().ThrowAsync<AttestationException>().WithMessage("configfs-tsm is not available: /nonexistent/tsm does not exist*");
    }
}
