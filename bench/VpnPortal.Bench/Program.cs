using VpnPortal.Bench;

return args.FirstOrDefault() switch
{
    "ingest" => await IngestionBenchmark.RunAsync(args[1..]),
    "apply" => await ApplyBenchmark.RunAsync(args[1..]),
    "commands" => await CommandDeliveryBenchmark.RunAsync(args[1..]),
    "disconnect" => await DisconnectBenchmark.RunAsync(args[1..]),
    "rotation" => await RotationBenchmark.RunAsync(args[1..]),
    "diagnostics" => DiagnosticsBenchmark.Run(args[1..]),
    "alerts-scan" => await AlertScanBenchmark.RunAsync(args[1..]),
    "dashboard" => await DashboardBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage:
          dotnet run -c Release --project bench/VpnPortal.Bench -- ingest [--servers 500] [--sessions 400] [--interval 30] [--minutes 3] [--early-reports] [--steady]
          dotnet run -c Release --project bench/VpnPortal.Bench -- apply [--servers 20] [--sessions 400] [--rounds 15] [--postgres CONNECTION-STRING]
          dotnet run -c Release --project bench/VpnPortal.Bench -- commands [--agents 50] [--commands 300]
          dotnet run -c Release --project bench/VpnPortal.Bench -- disconnect [--servers 50] [--connected-on 10] [--trials 30] [--sessions 40]
          dotnet run -c Release --project bench/VpnPortal.Bench -- rotation [--servers 20] [--restart-seconds 2]
          dotnet run -c Release --project bench/VpnPortal.Bench -- diagnostics [--servers 500] [--runs 30]
          dotnet run -c Release --project bench/VpnPortal.Bench -- alerts-scan [--certificates 100000] [--runs 30] [--db-runs 5]
          dotnet run -c Release --project bench/VpnPortal.Bench -- dashboard [--servers 500] [--sessions 200000] [--runs 100] [--postgres CONNECTION-STRING]
        """);
    return 2;
}
