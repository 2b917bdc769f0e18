#Requires -Version 5.1
#Requires -RunAsAdministrator
<#
.SYNOPSIS
    Installs the VpnPortal agent on a Windows RRAS or NPS server, enrolls it with the portal, and starts it at boot as SYSTEM.

.DESCRIPTION
    1. Copies the published agent to %ProgramFiles%\VpnPortal\Agent (stopping a running agent first, so this also upgrades).
    2. Creates %ProgramData%\VpnPortal\Agent (configuration, credential, state) and its logs folder, readable by SYSTEM
       and Administrators only.
    3. Runs "VpnPortal.Agent.exe enroll --portal URL --token-stdin --config DIR" and writes the token to its standard input
       (or "--token-file PATH" with -EnrollmentTokenFile); skipped with -SkipEnrollment, for an upgrade. The token is never
       on a command line: Windows records command lines in its process-creation audit events (4688) and process lists.
    4. Registers the scheduled task \VpnPortal\VpnPortal Agent: at startup, as SYSTEM, no time limit, one instance, restarted
       after a failure and re-launched by a five-minute watchdog trigger if it ever stops. See
       docs/decisions/0008-agent-starts-as-a-scheduled-task.md for why a task and not a service.

.PARAMETER PortalUrl
    The portal's base address, e.g. https://vpnportal.corp.example

.PARAMETER EnrollmentToken
    The one-time enrollment token from the portal, as a SecureString. Leave it out to be prompted (input is masked).
    It is never written to the screen, a file, the transcript or a command line.

.PARAMETER EnrollmentTokenFile
    For unattended installs: a file holding the enrollment token (alone, on one line), readable by administrators only.
    The agent reads it; delete the file afterwards.

.PARAMETER SourcePath
    The folder holding the published agent (VpnPortal.Agent.exe and its files). Default: the "agent" folder beside this script.

.EXAMPLE
    .\Install-VpnPortalAgent.ps1 -PortalUrl https://vpnportal.corp.example
    Prompts for the enrollment token (masked).

.EXAMPLE
    .\Install-VpnPortalAgent.ps1 -PortalUrl https://vpnportal.corp.example -EnrollmentTokenFile C:\Install\token.txt
    Unattended: the agent reads the token from the file; delete it afterwards.
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)]
    [ValidatePattern('^https://')]
    [string] $PortalUrl,

    [securestring] $EnrollmentToken,

    [string] $EnrollmentTokenFile,

    [string] $SourcePath = (Join-Path $PSScriptRoot 'agent'),

    [switch] $SkipEnrollment
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$TaskPath = '\VpnPortal\'
$TaskName = 'VpnPortal Agent'
$InstallDir = Join-Path $env:ProgramFiles 'VpnPortal\Agent'
$DataDir = Join-Path $env:ProgramData 'VpnPortal\Agent'
$LogDir = Join-Path $DataDir 'logs'
$Exe = Join-Path $InstallDir 'VpnPortal.Agent.exe'

if (-not (Test-Path -LiteralPath (Join-Path $SourcePath 'VpnPortal.Agent.exe'))) {
    throw "VpnPortal.Agent.exe is not in '$SourcePath'. Publish the agent there first (see deploy/windows/README.md)."
}

# 1. Stop a running agent so its files can be replaced.
$existing = Get-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -ErrorAction SilentlyContinue
if ($existing) {
    Write-Host "Stopping the running agent..."
    Stop-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName
    $deadline = (Get-Date).AddSeconds(30)
    while ((Get-Process -Name 'VpnPortal.Agent' -ErrorAction SilentlyContinue | Where-Object { $_.Path -eq $Exe }) -and (Get-Date) -lt $deadline) {
        Start-Sleep -Milliseconds 500
    }
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

# 3. Enroll. The token goes to the agent on its standard input (or the agent reads the file), never on its command line,
#    which process-creation auditing (event 4688) records; in plain text it exists only while the agent reads it.
if (-not $SkipEnrollment) {
    if ($EnrollmentTokenFile) {
        if ($EnrollmentToken) { throw 'Give the enrollment token either as -EnrollmentToken or as -EnrollmentTokenFile, not both.' }
        if (-not (Test-Path -LiteralPath $EnrollmentTokenFile -PathType Leaf)) { throw "The token file '$EnrollmentTokenFile' does not exist." }
        Write-Host "Enrolling with $PortalUrl ..."
        & $Exe enroll --portal $PortalUrl --token-file (Resolve-Path -LiteralPath $EnrollmentTokenFile).ProviderPath --config $DataDir
        $enrollExit = $LASTEXITCODE
    }
    else {
        if (-not $EnrollmentToken) {
            $EnrollmentToken = Read-Host -Prompt 'Enrollment token' -AsSecureString
        }

        $pointer = [Runtime.InteropServices.Marshal]::SecureStringToBSTR($EnrollmentToken)
        try {
            $token = [Runtime.InteropServices.Marshal]::PtrToStringBSTR($pointer)
            if ([string]::IsNullOrWhiteSpace($token)) { throw 'The enrollment token is empty.' }
            Write-Host "Enrolling with $PortalUrl ..."
            $token | & $Exe enroll --portal $PortalUrl --token-stdin --config $DataDir
            $enrollExit = $LASTEXITCODE
        }
        finally {
            [Runtime.InteropServices.Marshal]::ZeroFreeBSTR($pointer)
            $token = $null
        }
    }

    if ($enrollExit -ne 0) { throw "Enrollment failed (exit code $enrollExit); the agent was not started. See the message above." }
}

# 4. Start at boot as SYSTEM. SYSTEM holds the rights the agent needs: the RemoteAccess cmdlets and Disconnect-VpnUser
#    (local administrator), HTTP.sys configuration reads, and the Local Computer certificate stores.
$action = New-ScheduledTaskAction -Execute $Exe -Argument "run --config `"$DataDir`"" -WorkingDirectory $InstallDir
$atStartup = New-ScheduledTaskTrigger -AtStartup
# Task Scheduler's restart-on-failure does not cover every way a process can end; this trigger re-launches a stopped agent
# within five minutes, and with IgnoreNew it does nothing while the agent runs.
$watchdog = New-ScheduledTaskTrigger -Once -At (Get-Date).AddMinutes(1) -RepetitionInterval (New-TimeSpan -Minutes 5) -RepetitionDuration (New-TimeSpan -Days 3650)
$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest
$settings = New-ScheduledTaskSettingsSet `
    -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) `
    -ExecutionTimeLimit ([TimeSpan]::Zero) `
    -MultipleInstances IgnoreNew `
    -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -DontStopOnIdleEnd

Register-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName -Action $action -Trigger $atStartup, $watchdog `
    -Principal $principal -Settings $settings -Description 'VpnPortal agent: reports this server to the portal and runs its commands.' -Force | Out-Null

Start-ScheduledTask -TaskPath $TaskPath -TaskName $TaskName
Write-Host "The VpnPortal agent is installed and running. Logs: $LogDir"
