package io.archway.launcher; public final class Main { public static void main(String[] a) {} }
