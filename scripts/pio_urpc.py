# PlatformIO extra_script (pre:): lowers firmware/device.ts to C with `urpc ts2c` and builds the
# generated C as a static library of the env. Needs node on PATH (the urpc checkout's npm ci).
# In a project made by `urpc init`, `custom_urpc_dir = node_modules/urpc` (platformio.ini) says
# where urpc is (in the urpc checkout it is the project itself), and `custom_urpc_app = app` the
# device-function app merged into the firmware (`urpc ts2c --app`, as `urpc build --app` does).
# `custom_urpc_builtins = urpc.echo, urpc.info` links only those built-in device functions (and the
# system functions a TVM session needs; empty: only those), as board.json "builtins" does.
import os
import subprocess

Import("env")  # noqa: F821  (provided by PlatformIO's SCons)

root = env.subst("$PROJECT_DIR")  # noqa: F821
urpc = os.path.join(root, env.GetProjectOption("custom_urpc_dir", "."))  # noqa: F821
gen = os.path.join(root, "build", "pio", "gen")
app = env.GetProjectOption("custom_urpc_app", "")  # noqa: F821
cmd = ["node", os.path.join(urpc, "bin", "urpc.js"), "ts2c", os.path.join(urpc, "firmware", "device.ts"), "-o", gen]
if app:
    cmd += ["--app", os.path.join(root, app)]
builtins = env.GetProjectOption("custom_urpc_builtins", None)  # noqa: F821
if builtins is not None:
    cmd += ["--builtins", ",".join(builtins.replace(",", " ").split())]
subprocess.check_call(cmd)
env.Append(CPPPATH=[gen])  # noqa: F821
env.Prepend(LIBS=[env.BuildLibrary(os.path.join("$BUILD_DIR", "urpc_gen"), gen)])  # noqa: F821
