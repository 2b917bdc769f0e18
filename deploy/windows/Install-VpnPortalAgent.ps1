#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Installs the VpnPortal agent on a Windows RRAS or NPS server as the Windows service VpnPortalAgent, enrolls it with
    the portal, and starts it.

.DESCRIPTION
    1. Stops a running agent (the service, or the scheduled task \VpnPortal\VpnPortal Agent of earlier versions, which is
       removed) and copies the published agent to %ProgramFiles%\VpnPortal\Agent, so this also upgrades.
    2. Creates %ProgramData%\VpnPortal\Agent (configuration, credential, state) and its logs folder, readable by SYSTEM
       and Administrators only.
    3. Creates the Application event log source "VpnPortal Agent", where the agent writes its warnings and errors.
    4. Runs "VpnPortal.Agent.exe enroll --portal URL --token-stdin --config DIR" and writes the token to its standard input
       (or "--token-file PATH" with -EnrollmentTokenFile); skipped with -SkipEnrollment, for an upgrade. The token is never
       on a command line: Windows records command lines in its process-creation audit events (4688) and process lists.
    5. Creates (or brings up to date) the service VpnPortalAgent: automatic (delayed) start, LocalSystem, restarted by
       its recovery actions after a crash or a failed stop; then starts it. See
       docs/decisions/0021-agent-runs-as-a-windows-service.md.
    Running it again is safe: every step finds what an earlier run left and brings it to the same state.

.PARAMETER PortalUrl
    The portal's base address, e.g. https://vpnportal.corp.example

.PARAMETER EnrollmentToken
    The one-time enrollment token from the portal, as a SecureString. Leave it out to be prompted (input is masked).
    It is never written to the screen, a file, the transcript or a command line.

.PARAMETER EnrollmentTokenFile
    For unattended installs: a file holding the enrollment token (alone, on one line), readable by administrators only.
    The agent reads it; delete the file afterwards. Also -TokenFile.

.PARAMETER EnrollmentTokenFromStdin
    For unattended installs: read the token from this script's standard input (one line), e.g.
    Get-Content token.txt | powershell.exe -NoProfile -File Install-VpnPortalAgent.ps1 -PortalUrl ... -EnrollmentTokenFromStdin
    Also -TokenStdin.

.PARAMETER SourcePath
    The folder holding the published agent (VpnPortal.Agent.exe and its files). Default: the "agent" folder beside this script.

.PARAMETER SkipEnrollment
    Keep the agent's current enrollment (an upgrade or a repair): no token is asked for.

.EXAMPLE
    .\Install-VpnPortalAgent.ps1 -PortalUrl https://vpnportal.corp.example
    Prompts for the enrollment token (masked).

.EXAMPLE
    .\Install-VpnPortalAgent.ps1 -PortalUrl https://vpnportal.corp.example -EnrollmentTokenFile C:\Install\token.txt
    Unattended: the agent reads the token from the file; delete it afterwards.

.EXAMPLE
    .\Install-VpnPortalAgent.ps1 -PortalUrl https://vpnportal.corp.example -SkipEnrollment
    Upgrade: new program files, same enrollment.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidatePattern('^https://')]
    [string] $PortalUrl,

    [securestring] $EnrollmentToken,

    [Alias('TokenFile')]
    [string] $EnrollmentTokenFile,

    [Alias('TokenStdin')]
    [switch] $EnrollmentTokenFromStdin,

    [string] $SourcePath = (Join-Path $PSScriptRoot 'agent'),

    [switch] $SkipEnrollment
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$ServiceName = 'VpnPortalAgent'
$DisplayName = 'VpnPortal Agent'
$Description = 'VpnPortal agent: reports this server to the portal and runs its commands.'
$EventSource = 'VpnPortal Agent'
$OldTaskPath = '\VpnPortal\'
$OldTaskName = 'VpnPortal Agent'
$InstallDir = Join-Path $env:ProgramFiles 'VpnPortal\Agent'
$DataDir = Join-Path $env:ProgramData 'VpnPortal\Agent'
$LogDir = Join-Path $DataDir 'logs'
$Exe = Join-Path $InstallDir 'VpnPortal.Agent.exe'

# sc.exe reports failure only through its exit code.
function Invoke-ServiceControl {
    & sc.exe @args | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc.exe $($args -join ' ') failed (exit code $LASTEXITCODE)." }
}

if (-not (Test-Path -LiteralPath (Join-Path $SourcePath 'VpnPortal.Agent.exe'))) {
    throw "VpnPortal.Agent.exe is not in '$SourcePath'. Publish the agent there first (see deploy/windows/README.md)."
}

$tokenSources = @(@($EnrollmentToken, $EnrollmentTokenFile, $EnrollmentTokenFromStdin) | Where-Object { $_ })
if ($SkipEnrollment -and $tokenSources.Count -gt 0) { throw 'Give -SkipEnrollment or an enrollment token, not both.' }
if ($tokenSources.Count -gt 1) { throw 'Give the enrollment token one way only: -EnrollmentToken, -EnrollmentTokenFile or -EnrollmentTokenFromStdin.' }

# 1. Stop a running agent so its files can be replaced: the service, or the scheduled task earlier versions registered
#    (removed here for good: the service replaces it, and its watchdog trigger would start a second agent).
$service = Get-Service -Name $ServiceName -ErrorAction SilentlyContinue
if ($service -and $service.Status -ne 'Stopped') {
    Write-Host "Stopping the service $ServiceName..."
    Stop-Service -Name $ServiceName -Force
    $service.WaitForStatus('Stopped', [TimeSpan]::FromSeconds(60))
}

$oldTask = Get-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName -ErrorAction SilentlyContinue
if ($oldTask) {
    Write-Host "Removing the scheduled task $OldTaskPath$OldTaskName of the earlier version..."
    Stop-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName
    Unregister-ScheduledTask -TaskPath $OldTaskPath -TaskName $OldTaskName -Confirm:$false
}

$deadline = (Get-Date).AddSeconds(30)
while ((Get-Process -Name 'VpnPortal.Agent' -ErrorAction SilentlyContinue | Where-Object { $_.Path -eq $Exe }) -and (Get-Date) -lt $deadline) {
    Start-Sleep -Milliseconds 500
}

Write-Host "Copying the agent to $InstallDir"
New-Item -ItemType Directory -Path $InstallDir -Force | Out-Null
Copy-Item -Path (Join-Path $SourcePath '*') -Destination $InstallDir -Recurse -Force

# 2. The data folder holds the agent's credential: SYSTEM and Administrators only, nothing inherited.
#    Well-known SIDs, so this works on every Windows language (S-1-5-18 SYSTEM, S-1-5-32-544 Administrators).
New-Item -ItemType Directory -Path $LogDir -Force | Out-Null
& icacls.exe $DataDir /inheritance:r /grant:r '*S-1-5-18:(OI)(CI)F' '*S-1-5-32-544:(OI)(CI)F' | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls could not restrict $DataDir (exit code $LASTEXITCODE)." }
& icacls.exe $DataDir /setowner '*S-1-5-32-544' /T /C | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls could not set the owner of $DataDir (exit code $LASTEXITCODE)." }

# 3. The event log source the agent writes its warnings and errors under. New-EventLog exists only in Windows PowerShell,
#    so the .NET call, which both editions have.
if (-not [System.Diagnostics.EventLog]::SourceExists($EventSource)) {
    [System.Diagnostics.EventLog]::CreateEventSource($EventSource, 'Application')
}

# 4. Enroll. The token goes to the agent on its standard input (or the agent reads the file), never on its command line,
#    which process-creation auditing (event 4688) records; in plain text it exists only while the agent reads it.
if (-not $SkipEnrollment) {
    if ($EnrollmentTokenFile) {
        if (-not (Test-Path -LiteralPath $EnrollmentTokenFile -PathType Leaf)) { throw "The token file '$EnrollmentTokenFile' does not exist." }
        Write-Host "Enrolling with $PortalUrl ..."
        & $Exe enroll --portal $PortalUrl --token-file (Resolve-Path -LiteralPath $EnrollmentTokenFile).ProviderPath --config $DataDir
        $enrollExit = $LASTEXITCODE
    }
    else {
        if ($EnrollmentTokenFromStdin) {
            # A console would echo it: typed tokens go through the masked prompt instead.
            if (-not [Console]::IsInputRedirected) { throw '-EnrollmentTokenFromStdin reads a token piped in; to type it, leave the switch out and enter it at the masked prompt.' }
            $token = [Console]::In.ReadLine()
        }
        else {
            if (-not $EnrollmentToken) {
                $EnrollmentToken = Read-Host -Prompt 'Enrollment token' -AsSecureString
            }

            $pointer = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($EnrollmentToken)
            try { $token = [Runtime.InteropServices.Marshal]::PtrToStringBSTR($pointer) }
            finally { [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($pointer) }
        }

        try {
            if ([string]::IsNullOrWhiteSpace($token)) { throw 'The enrollment token is empty.' }
            Write-Host "Enrolling with $PortalUrl ..."
            $token | & $Exe enroll --portal $PortalUrl --token-stdin --config $DataDir
            $enrollExit = $LASTEXITCODE
        }
        finally {
            $token = $null
        }
    }

    if ($enrollExit -ne 0) { throw "Enrollment failed (exit code $enrollExit); the agent was not started. See the message above." }
}

# 5. The service. LocalSystem holds the rights the agent needs: the RemoteAccess cmdlets and Disconnect-VpnUser (local
#    administrator), HTTP.sys configuration reads, and the Local Computer certificate stores. The path is set through
#    New-Service or CIM, not sc.exe: Windows PowerShell 5.1 passes the quotes a path with spaces needs to a native
#    program unescaped.
$binaryPath = "`"$Exe`" run --config `"$DataDir`""
if (-not (Get-Service -Name $ServiceName -ErrorAction SilentlyContinue)) {
    Write-Host "Creating the service $ServiceName"
    New-Service -Name $ServiceName -BinaryPathName $binaryPath -DisplayName $DisplayName -Description $Description -StartupType Automatic | Out-Null
}
else {
    $existing = Get-CimInstance -ClassName Win32_Service -Filter "Name='$ServiceName'"
    if ($existing.PathName -ne $binaryPath) {
        $changed = Invoke-CimMethod -InputObject $existing -MethodName Change -Arguments @{ PathName = $binaryPath }
        if ($changed.ReturnValue -ne 0) { throw "The service's program path could not be changed (Win32_Service.Change returned $($changed.ReturnValue))." }
    }
}

# Delayed automatic start: the agent needs the network and the portal's name resolved, not a place early in the boot.
Invoke-ServiceControl config $ServiceName start= delayed-auto obj= LocalSystem DisplayName= $DisplayName
Invoke-ServiceControl description $ServiceName $Description
# Restarted a minute after each of the first two failures and five minutes after later ones; the count starts again
# after a day without failure. failureflag 1 counts a stop with a non-zero exit code (the agent's own failures) as one.
Invoke-ServiceControl failure $ServiceName reset= 86400 actions= restart/60000/restart/60000/restart/300000
Invoke-ServiceControl failureflag $ServiceName 1

Start-Service -Name $ServiceName
Write-Host "The VpnPortal agent runs as the service $ServiceName. Logs: $LogDir and the Application event log (source '$EventSource')."
