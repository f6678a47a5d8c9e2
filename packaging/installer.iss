; Inno Setup 6 script: per-user installer for Service Model Designer (see docs/windows.md).
;
; Build the app folder first (python packaging\build.py), then either
;   python packaging\build.py --installer          (runs ISCC with the version from pyproject.toml)
; or
;   ISCC /DAppVersion=0.1.0 packaging\installer.iss
;
; Installs without admin rights into %LOCALAPPDATA%\Programs\Service Model Designer and registers
; .svcmodel for the current user only (HKCU\Software\Classes). An administrator may instead pick
; "all users" in the first dialog (or /ALLUSERS): then Program Files and HKLM\Software\Classes.
;
; Silent install for IT:  ServiceModelDesigner-<version>-setup.exe /VERYSILENT /SUPPRESSMSGBOXES /NORESTART /CURRENTUSER
; Signing: ISCC "/Ssmdsign=signtool.exe sign /fd sha256 /tr <timestamp url> /td sha256 /a $f" /DSign installer.iss

#define AppName "Service Model Designer"
#define AppExe "service-model-designer.exe"
#define CliExe "smd-cli.exe"
#define ProgId "ServiceModelDesigner.Model"
#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef DistDir
  #define DistDir "..\dist\service-model-designer"
#endif

[Setup]
; The AppId identifies the app for upgrades and uninstall: never change it.
AppId={{2749E652-DD2D-4143-BDA6-679E527CF290}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
VersionInfoVersion={#AppVersion}
; Per-user by default, no UAC prompt; the dialog (or /ALLUSERS) lets an admin install for all.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
; {autopf} is {userpf} (%LOCALAPPDATA%\Programs) per user, {commonpf} for all users.
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ChangesAssociations=yes
; Close a running copy through the Restart Manager before replacing its files.
CloseApplications=yes
; The app registers for restart (designer/session_end.py): bring it back after an upgrade.
RestartApplications=yes
MinVersion=10.0
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=ServiceModelDesigner-{#AppVersion}-setup
SetupIconFile=..\resources\icons\app.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
WizardStyle=modern
Compression=lzma2
SolidCompression=yes
#ifdef Sign
; The sign tool "smdsign" is defined on the ISCC command line (/S) or in the IDE.
SignTool=smdsign
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
#ifdef Sign
Source: "{#DistDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
Source: "{#DistDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion signonce
#else
Source: "{#DistDir}\{#AppExe}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\{#CliExe}"; DestDir: "{app}"; Flags: ignoreversion
#endif
Source: "{#DistDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[InstallDelete]
; An upgrade replaces the bundled libraries as a whole: no stale DLL from an older version stays.
Type: filesandordirs; Name: "{app}\_internal"

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; HKA is HKCU for a per-user install and HKLM for an all-users one.
; The extension points at our ProgID; uninstall removes the whole .svcmodel key (ours alone).
Root: HKA; Subkey: "Software\Classes\.svcmodel"; ValueType: string; ValueName: ""; ValueData: "{#ProgId}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\.svcmodel\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "Service model"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#AppExe},0"
Root: HKA; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; Lists the app under "Open with" for .svcmodel files.
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".svcmodel"; ValueData: ""; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the app wrote into its own install folder. The user's data under
; %LOCALAPPDATA%\Service Model Designer (recovery copies) is kept, as are their model files.
Type: filesandordirs; Name: "{app}\_internal"
