"""The rest of issue 26: outputs that cannot be written, a damaged segmentation cache, inputs that
expand without bound, and memory bounds of the big commands."""


def test_read_only_output_folder_is_refused_before_any_work_naming_the_path(
    invoke, read_only_dir, small_model, tmp_path
):
    text = tmp_path / "t.txt"
    text.write_text("孙悟空大闹天宫。\n", encoding="utf-8")
    where = (
        f"read-only file system at {read_only_dir}" if read_only_dir.stat().st_dev != tmp_path.stat().st_dev else None
    )
    cases = [
        (["export", "-m", small_model, "-o", read_only_dir / "v.txt"], read_only_dir / "v.txt"),
        (["export", "-m", small_model, "--format", "projector", "-o", read_only_dir / "p"], read_only_dir / "p"),
        (["embed", text, "-m", small_model, "-o", read_only_dir / "e.npy", "--format", "npy"], read_only_dir / "e.npy"),
        (["plot", "-m", small_model, "--top", "20", "-o", read_only_dir / "map.png"], read_only_dir / "map.png"),
        (["axis", "悟空", "--vs", "八戒", "-m", small_model, "-o", read_only_dir / "a.png"], read_only_dir / "a.png"),
        (["segment", text, "-o", read_only_dir / "seg"], read_only_dir / "seg"),
        (
            ["segment", text, "-o", tmp_path / "seg", "--discover-words", read_only_dir / "w.txt"],
            read_only_dir / "w.txt",
        ),
        (["train", text, "-o", read_only_dir / "sub" / "m"], read_only_dir / "sub" / "m"),
        (["postprocess", small_model, "--remove-top", "1", "-o", read_only_dir / "pp"], read_only_dir / "pp"),
        (["import", small_model / "vectors.npy", "-o", read_only_dir / "im"], read_only_dir / "im"),
    ]
    for args, named in cases:
        r = invoke(args)
        reason = where or "permission denied"
        expected = f"Error: {named}: cannot write ({reason}"
        error = r.stderr.splitlines()[-1]
        assert r.exit_code == 1 and error.startswith(expected), (args, r.stderr)
        assert error.endswith("); choose a writable place") and ".tmp-" not in r.stderr, r.stderr
        # refused before the work: no progress line, no result on stdout (axis prints after writing)
        assert r.stdout == "" and "projecting" not in r.stderr and "segmented" not in r.stderr, (args, r.stderr)
