package dev.streamrec.jobs.cli; public class StreamRecCli { public static void main(String[] a){} }
