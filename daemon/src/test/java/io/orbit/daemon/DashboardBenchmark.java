package io.orbit.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * What an open dashboard costs the daemon, and how fast the page loads (scripts/bench-dashboard.sh starts the daemon
 * with the examples and passes its API port and process id):
 *
 * <ol>
 *   <li>the daemon's CPU (% of one core, from {@code /proc/PID/stat}) over SECONDS with no page open, with PAGES
 *       headless chromium browsers on the overview, and with PAGES on a service page (its charts, its live log follow);
 *   <li>page load: LOADS fresh loads of the overview in a new tab, each timed by the browser (Navigation Timing: the
 *       load event) and to the first rendered list of services (the stream's first status event drawn).
 * </ol>
 *
 * Usage: {@code DashboardBenchmark API_PORT DAEMON_PID SERVICE [PAGES=5] [SECONDS=60] [LOADS=7]}
 */
public final class DashboardBenchmark {

    private DashboardBenchmark() {}

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        long pid = Long.parseLong(args[1]);
        String service = args[2];
        int pages = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        int seconds = args.length > 4 ? Integer.parseInt(args[4]) : 60;
        int loads = args.length > 5 ? Integer.parseInt(args[5]) : 7;
        String base = "http://127.0.0.1:" + port;

        double idle = cpuPercent(pid, seconds);
        ChromeDriver browser = HeadlessChromium.open(1280, 900);
        try {
            List<Double> loadMillis = new ArrayList<>();
            List<Double> renderedMillis = new ArrayList<>();
            for (int i = 0; i < loads; i++) {
                browser.switchTo().newWindow(WindowType.TAB);
                browser.get(base + "/");
                JavascriptExecutor js = browser;
                Object rendered = js.executeAsyncScript("""
                        const done = arguments[arguments.length - 1];
                        const check = () => document.querySelector('table.services')
                          ? done(performance.now()) : setTimeout(check, 5);
                        check();
                        """);
                Object load = js.executeScript(
                        "const n = performance.getEntriesByType('navigation')[0]; return n.loadEventEnd - n.startTime;");
                loadMillis.add(((Number) load).doubleValue());
                renderedMillis.add(((Number) rendered).doubleValue());
                browser.close();
                browser.switchTo().window(browser.getWindowHandles().iterator().next());
            }
            // the page loads' browser holds nothing open now (its first tab never loaded a page)
            double overview = withPages(base + "/", pages, pid, seconds, "table.services");
            double servicePage =
                    withPages(base + "/#/service/" + service, pages, pid, seconds, "#chart-traffic canvas");
            System.out.printf(
                    "SUMMARY dashboard daemon_cpu_pct_of_one_core seconds=%d no_page=%.2f %d_overview_pages=%.2f"
                            + " %d_service_pages=%.2f%n",
                    seconds, idle, pages, overview, pages, servicePage);
            System.out.printf(
                    "SUMMARY dashboard page_load_ms loads=%d load_event median=%.0f max=%.0f"
                            + " first_services_drawn median=%.0f max=%.0f%n",
                    loads, median(loadMillis), max(loadMillis), median(renderedMillis), max(renderedMillis));
        } finally {
            browser.quit();
        }
    }

    /**
     * Opens the page in this many browsers (each its own chromium: one browser shares 6 connections per host among
     * its tabs, and a hidden tab lets go of its stream), waits until each drew, measures the daemon's CPU, closes them.
     */
    private static double withPages(String url, int pages, long pid, int seconds, String drawn)
            throws IOException, InterruptedException {
        List<ChromeDriver> browsers = new ArrayList<>();
        try {
            for (int i = 0; i < pages; i++) {
                ChromeDriver browser = HeadlessChromium.open(1280, 900);
                browsers.add(browser);
                browser.get(url);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (browser.findElements(By.cssSelector(drawn)).isEmpty()) {
                    if (System.nanoTime() > deadline) {
                        throw new AssertionError("the page " + url + " drew no " + drawn + " within 30 s");
                    }
                    Thread.sleep(50);
                }
            }
            Thread.sleep(5000); // the opening requests are over; measure the steady state
            return cpuPercent(pid, seconds);
        } finally {
            browsers.forEach(ChromeDriver::quit);
        }
    }

    /** The process's CPU over this many seconds, in % of one core (utime + stime of /proc/PID/stat). */
    static double cpuPercent(long pid, int seconds) throws IOException, InterruptedException {
        long before = cpuTicks(pid);
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long after = cpuTicks(pid);
        double elapsed = (System.nanoTime() - start) / 1e9;
        return 100.0 * (after - before) / 100.0 / elapsed; // CLK_TCK is 100 on Linux
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
}
